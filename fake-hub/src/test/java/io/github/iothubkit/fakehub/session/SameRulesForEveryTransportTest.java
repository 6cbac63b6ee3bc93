package io.github.iothubkit.fakehub.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.Delivery;
import io.github.iothubkit.fakehub.fault.ConnectRefusal;
import io.github.iothubkit.fakehub.fault.Fault;
import io.github.iothubkit.fakehub.fault.SdkFaultRequest;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.HubInternals;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.security.MqttWire;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rules live in their owners, not in the MQTT adapter: a real MQTT device and a second transport in
 * miniature ({@link StubTransport}, which only reports its session and asks the same owners an AMQP device
 * link would) get the same outcome for the telemetry limit, a fault refusal, ack withholding and an SDK
 * fault request.
 */
class SameRulesForEveryTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int LIMIT = 256 * 1024;

    @RegisterExtension
    static FakeIotHubExtension extension = FakeIotHubExtension.newInstance().build();

    @Test
    void telemetryOverTheLimitEndsTheSessionAndIsNotRecordedOnEitherTransport() throws IOException {
        FakeIotHub hub = extension.hub();
        DeviceIdentity mqttDevice = hub.devices().create("mqtt-big");
        hub.devices().create("stub-big");

        String mqtt;
        try (MqttWire wire = MqttWire.connected(hub, "mqtt-big", mqttDevice.primaryKey(), 60)) {
            wire.publish(events("mqtt-big"), 1, new byte[LIMIT]);
            assertThat(wire.read().type()).as("PUBACK of a message at the limit").isEqualTo(4);
            wire.publish(events("mqtt-big"), 2, new byte[LIMIT + 1]);
            mqtt = outcome(wire.awaitClosed(WAIT), hub.telemetry().messages("mqtt-big"));
        }

        StubTransport stub = new StubTransport(hub);
        StubLink link = stub.open("stub-big");
        assertThat(stub.sendTelemetry(link, new byte[LIMIT], Map.of())).as("a message at the limit").isTrue();
        stub.sendTelemetry(link, new byte[LIMIT + 1], Map.of());
        String other = outcome(link.droppedAs() != null, hub.telemetry().messages("stub-big"));

        assertThat(mqtt).isEqualTo("closed=true, recorded=[262144]");
        assertThat(other).isEqualTo(mqtt);
    }

    @Test
    void anInjectedRefusalRefusesTheConnectOnEitherTransportForTheSameReason() throws IOException {
        FakeIotHub hub = extension.hub();
        DeviceIdentity mqttDevice = hub.devices().create("mqtt-refused");
        hub.devices().create("stub-refused");
        hub.faults().inject("mqtt-refused", Fault.refuseConnect(ConnectRefusal.SERVER_UNAVAILABLE));
        hub.faults().inject("stub-refused", Fault.refuseConnect(ConnectRefusal.SERVER_UNAVAILABLE));

        int connack;
        try (MqttWire wire = MqttWire.open(hub)) {
            connack = wire.connect("mqtt-refused", MqttWire.password(hub, "mqtt-refused", mqttDevice.primaryKey()), 60);
        }
        try (MqttWire again = MqttWire.connected(hub, "mqtt-refused", mqttDevice.primaryKey(), 60)) {
            await().atMost(WAIT).until(() -> hub.isConnected("mqtt-refused")); // the refusal was used once
        }

        StubTransport stub = new StubTransport(hub);
        Optional<ConnectRefusal> first = stub.refusal("stub-refused");
        Optional<ConnectRefusal> second = stub.refusal("stub-refused");

        assertThat(connack).as("CONNACK code").isEqualTo(3); // MQTT's code for SERVER_UNAVAILABLE
        assertThat(first).contains(ConnectRefusal.SERVER_UNAVAILABLE);
        assertThat(second).as("used once, as on MQTT").isEmpty();
    }

    @Test
    void withheldAcksKeepTheMessageDeliveredUntilReleasedOnEitherTransport() throws IOException {
        FakeIotHub hub = extension.hub();
        DeviceIdentity mqttDevice = hub.devices().create("mqtt-withheld");
        hub.devices().create("stub-withheld");
        hub.faults().inject("mqtt-withheld", Fault.withholdAcks());
        hub.faults().inject("stub-withheld", Fault.withholdAcks());

        try (MqttWire wire = MqttWire.connected(hub, "mqtt-withheld", mqttDevice.primaryKey(), 60)) {
            wire.subscribeC2d("mqtt-withheld");
            hub.cloudToDevice().send("mqtt-withheld", C2dMessage.of("x").messageId("mqtt-w"));
            MqttWire.Packet publish = wire.read();
            wire.puback(publish.packetId());
            wire.publish(events("mqtt-withheld"), 7, new byte[1]); // after the PUBACK: once recorded, it was seen
            hub.telemetry().await("mqtt-withheld", 1, WAIT);

            StubTransport stub = new StubTransport(hub);
            StubLink link = stub.open("stub-withheld");
            hub.cloudToDevice().send("stub-withheld", C2dMessage.of("x").messageId("stub-w"));
            stub.ack(link, link.deliveries().get(0));

            List<C2dOutcome> whileWithheld = List.of(outcome(hub, "mqtt-w"), outcome(hub, "stub-w"));
            hub.faults().releaseAcks("mqtt-withheld");
            hub.faults().releaseAcks("stub-withheld");
            hub.cloudToDevice().awaitOutcome("mqtt-w", C2dOutcome.COMPLETED, WAIT);
            hub.cloudToDevice().awaitOutcome("stub-w", C2dOutcome.COMPLETED, WAIT);

            assertThat(whileWithheld).containsExactly(C2dOutcome.DELIVERED, C2dOutcome.DELIVERED);
        }
    }

    @Test
    void anSdkKillTcpRequestCutsTheSessionAbruptlyOnEitherTransport() throws IOException {
        FakeIotHub hub = extension.hub();
        DeviceIdentity mqttDevice = hub.devices().create("mqtt-kill");
        hub.devices().create("stub-kill");
        String bag = SdkFaultRequest.TYPE + "=KillTcp&" + SdkFaultRequest.DELAY_IN_SECS + "=0";

        boolean mqttClosed;
        try (MqttWire wire = MqttWire.connected(hub, "mqtt-kill", mqttDevice.primaryKey(), 60)) {
            wire.publish(("devices/mqtt-kill/messages/events/" + bag).getBytes(StandardCharsets.UTF_8), 1, new byte[1]);
            assertThat(wire.read().type()).as("the request itself is acknowledged first").isEqualTo(4);
            mqttClosed = wire.awaitClosed(WAIT);
        }

        StubTransport stub = new StubTransport(hub);
        StubLink link = stub.open("stub-kill");
        assertThat(stub.sendTelemetry(link, new byte[1], Map.of(SdkFaultRequest.TYPE, "KillTcp"))).isTrue();
        await().atMost(WAIT).until(() -> link.droppedAs() != null);

        assertThat(mqttClosed).isTrue();
        assertThat(link.droppedAs()).isEqualTo(Drop.ABRUPT);
        assertThat(hub.telemetry().messages("mqtt-kill")).hasSize(1); // recorded as ordinary telemetry too
        assertThat(hub.telemetry().messages("stub-kill")).hasSize(1);
    }

    private static byte[] events(String deviceId) {
        return ("devices/" + deviceId + "/messages/events/").getBytes(StandardCharsets.UTF_8);
    }

    private static String outcome(boolean closed, List<TelemetryMessage> recorded) {
        return "closed=" + closed + ", recorded=" + recorded.stream().map(TelemetryMessage::bodySize).toList();
    }

    private static C2dOutcome outcome(FakeIotHub hub, String messageId) {
        return hub.cloudToDevice().find(messageId).orElseThrow().outcome();
    }

    /**
     * What any device transport does besides framing: report its session to {@link DeviceSessions}, ask
     * the fault rules about connects and acks, hand telemetry to the intake, and close when refused.
     */
    private static final class StubTransport {
        private final HubContext hub;

        StubTransport(FakeIotHub hub) {
            this.hub = HubInternals.context(hub);
        }

        Optional<ConnectRefusal> refusal(String deviceId) {
            return hub.faultRules().admit(deviceId);
        }

        StubLink open(String deviceId) {
            assertThat(refusal(deviceId)).isEmpty();
            return StubLink.connect(hub.sessions(), deviceId, true);
        }

        boolean sendTelemetry(StubLink link, byte[] body, Map<String, String> properties) {
            TelemetryMessage message = new TelemetryMessage(link.deviceId(), "stub", body, Map.of(), properties,
                    hub.clock().now());
            Optional<String> refused = hub.telemetryIntake().accept(link, message, 0);
            refused.ifPresent(why -> link.close(Drop.CLEAN, why));
            return refused.isEmpty();
        }

        void ack(StubLink link, Delivery delivery) {
            hub.faultRules().acknowledge(link, () -> hub.cloudToDeviceSpi().complete(link.deviceId(), delivery.sequence()));
        }
    }
}
