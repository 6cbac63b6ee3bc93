package io.github.iothubkit.fakehub.fault;

import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dSendException;
import io.github.iothubkit.fakehub.c2d.DeviceNotFoundException;
import io.github.iothubkit.fakehub.c2d.QueueFullException;
import io.github.iothubkit.fakehub.c2d.ThrottledException;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * hub.hub().faults() against a raw MQTT device: what a device and a sender see, and what the hub records. Flat
 * on purpose: surefire runs nested classes in separate forks under a -Dtest filter, and they share a host.
 */
class FaultsAcceptanceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().host("127.0.0.81").build();

    @Test
    void refusesTheNextConnectsWithTheChosenCodeThenLetsTheDeviceIn() {
        DeviceIdentity dev = hub.hub().devices().create("dev-refused");
        hub.hub().faults().inject("dev-refused", Fault.refuseConnect(ConnectRefusal.SERVER_UNAVAILABLE).times(2));
        try (MqttTestDevice device = new MqttTestDevice(hub.hub(), dev)) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(device::connect).isInstanceOfSatisfying(Mqtt3ConnAckException.class,
                        e -> assertThat(e.getMqttMessage().getReturnCode())
                                .isEqualTo(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE));
            }
            device.connect();
            await().atMost(WAIT).until(() -> hub.hub().isConnected("dev-refused"));
        }
    }

    @Test
    void dropsAConnectionNowAndClearRemovesPendingRefusals() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-drop");
        try (MqttTestDevice device = new MqttTestDevice(hub.hub(), dev).connect()) {
            assertThat(hub.hub().faults().dropConnection("dev-drop")).isTrue();
            device.awaitDisconnected(WAIT);
            hub.hub().faults().inject("dev-drop", Fault.refuseConnect(ConnectRefusal.NOT_AUTHORIZED));
            assertThat(hub.hub().faults().describe()).containsExactly(
                    "refuse the next 1 connect(s) of 'dev-drop' with NOT_AUTHORIZED");
            hub.hub().faults().clear();
            device.connect();
            assertThat(hub.hub().faults().describe()).isEmpty();
        }
    }

    @Test
    void withheldAcksKeepMessagesDeliveredUntilReleased() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-withhold");
        hub.hub().faults().inject("dev-withhold", Fault.withholdAcks());
        try (MqttTestDevice device = new MqttTestDevice(hub.hub(), dev).connect().subscribe()) {
            hub.hub().cloudToDevice().send("dev-withhold", C2dMessage.of("a").messageId("w1"));
            device.take(WAIT).acknowledge();
            device.sendTelemetry(""); // same connection, after the PUBACK: once it is recorded, the ack was seen
            assertThat(hub.hub().telemetry().await("dev-withhold", 1, WAIT)).hasSize(1);
            assertThat(hub.hub().cloudToDevice().find("w1").orElseThrow().outcome()).isEqualTo(C2dOutcome.DELIVERED);

            hub.hub().faults().releaseAcks("dev-withhold");

            assertThat(hub.hub()).c2d("w1").hasOutcome(C2dOutcome.COMPLETED).within(WAIT);
        }
    }

    @Test
    void acksWithheldOnAConnectionThatClosedAreLostSoTheMessageComesAgain() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-lost");
        hub.hub().faults().inject("dev-lost", Fault.withholdAcks());
        try (MqttTestDevice device = new MqttTestDevice(hub.hub(), dev).connect().subscribe()) {
            hub.hub().cloudToDevice().send("dev-lost", C2dMessage.of("a").messageId("l1"));
            device.take(WAIT).acknowledge();
            device.sendTelemetry("");
            hub.hub().telemetry().await("dev-lost", 1, WAIT);
            hub.hub().faults().dropConnection("dev-lost");
            device.awaitDisconnected(WAIT);
            hub.hub().faults().releaseAcks("dev-lost");

            device.connect();
            device.take(WAIT).acknowledge(); // the same message again (HiveMQ hides the DUP flag)
            assertThat(hub.hub()).c2d("l1").hasOutcome(C2dOutcome.COMPLETED).within(WAIT);
            assertThat(hub.hub().cloudToDevice().find("l1").orElseThrow().deliveryCount()).isEqualTo(2);
        }
    }

    @Test
    void delaysDeliveryButKeepsTheOrder() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-slow");
        hub.hub().faults().inject("dev-slow", Fault.delayDelivery(Duration.ofMillis(400)));
        try (MqttTestDevice device = new MqttTestDevice(hub.hub(), dev).connect().subscribe()) {
            long start = System.nanoTime();
            hub.hub().cloudToDevice().send("dev-slow", C2dMessage.of("1").messageId("s1"));
            hub.hub().cloudToDevice().send("dev-slow", C2dMessage.of("2").messageId("s2"));
            Mqtt3Publish first = device.take(WAIT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            Mqtt3Publish second = device.take(WAIT);
            assertThat(first.getTopic().toString()).contains("%24.mid=s1");
            assertThat(second.getTopic().toString()).contains("%24.mid=s2");
        }
    }

    @Test
    void failsTheNextSendsWithTheChosenRealHubError() {
        hub.hub().devices().create("dev-send");
        hub.hub().faults().inject("dev-send", Fault.failSend(SendError.THROTTLED).times(2));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> hub.hub().cloudToDevice().send("dev-send", C2dMessage.of("x")))
                    .isInstanceOfSatisfying(ThrottledException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(429001);
                        assertThat(e.getMessage()).startsWith("ErrorCode:ThrottlingException;");
                    });
        }
        assertThat(hub.hub().cloudToDevice().send("dev-send", C2dMessage.of("x")).outcome()).isEqualTo(C2dOutcome.ENQUEUED);
    }

    @Test
    void aHubWideSendFaultHitsWhicheverDeviceIsNext() {
        hub.hub().devices().create("dev-a");
        hub.hub().faults().inject(Fault.failSend(SendError.QUEUE_FULL)).inject(Fault.failSend(SendError.DEVICE_NOT_FOUND));
        assertThatThrownBy(() -> hub.hub().cloudToDevice().send("dev-a", C2dMessage.of("x")))
                .isInstanceOf(QueueFullException.class);
        assertThatThrownBy(() -> hub.hub().cloudToDevice().send("dev-a", C2dMessage.of("x")))
                .isInstanceOfSatisfying(DeviceNotFoundException.class,
                        e -> assertThat(((C2dSendException) e).errorCode()).isEqualTo(404001));
        assertThat(hub.hub().cloudToDevice().records()).isEmpty();
        assertThatThrownBy(() -> hub.hub().faults().inject(Fault.withholdAcks()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inject(deviceId, fault)");
    }

    @Test
    void killTcpClosesTheConnectionAfterTheDelayAndTheMessageIsStillRecorded() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-kill");
        try (MqttTestDevice device = new MqttTestDevice(hub.hub(), dev).connect()) {
            long start = System.nanoTime();
            device.sendTelemetry("AzIoTHub_FaultOperationType=KillTcp&AzIoTHub_FaultOperationCloseReason=boom"
                    + "&AzIoTHub_FaultOperationDelayInSecs=1");
            device.awaitDisconnected(WAIT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(hub.hub().telemetry().messages("dev-kill")).singleElement()
                    .satisfies(m -> assertThat(m.properties()).containsEntry("AzIoTHub_FaultOperationType", "KillTcp"));
        }
    }

    @Test
    void shutDownMqttClosesCleanlyAndAmqpOnlyFaultsAreIgnored() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-bye");
        try (MqttTestDevice device = new MqttTestDevice(hub.hub(), dev).connect()) {
            device.sendTelemetry("AzIoTHub_FaultOperationType=KillAmqpConnection&AzIoTHub_FaultOperationDelayInSecs=0");
            device.sendTelemetry("AzIoTHub_FaultOperationType=ShutDownMqtt&AzIoTHub_FaultOperationCloseReason=byebye");
            device.awaitDisconnected(WAIT);
            assertThat(hub.hub().telemetry().messages("dev-bye")).hasSize(2); // the ignored one did not close it
        }
    }
}
