package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.fault.Fault;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The AMQP device links on the wire, where a test must hold a settlement the SDKs always give: the
 * one-minute lock of an unsettled C2D message on the hub clock, and the hub's faults on device links.
 */
class AmqpDeviceWireTest {

    private static final String HOST = "127.0.0.216";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Started once for the class and reset before each test. */
    @RegisterExtension
    static final FakeIotHubExtension HUB = FakeIotHubExtension.newInstance().host(HOST).manualClock().build();

    private static FakeIotHub hub() {
        return HUB.hub();
    }

    private static AmqpWire deviceConnection(DeviceIdentity dev) {
        AmqpWire client = AmqpWire.connect(hub());
        Message reply = client.putToken(UUID.randomUUID(), SasToken.create(hub().host() + "/devices/" + dev.deviceId(),
                null, dev.primaryKey(), Instant.now().plusSeconds(3600)));
        assertThat(reply.getApplicationProperties().getValue().get("status-code")).isEqualTo(200);
        return client;
    }

    @Test
    void aMessageTheDeviceLeavesUnsettledForOneMinuteOfHubTimeIsRedelivered() {
        DeviceIdentity dev = hub().devices().create("slow-settler");
        try (AmqpWire client = deviceConnection(dev)) {
            List<Message> received = new CopyOnWriteArrayList<>();
            client.receiver("/devices/slow-settler/messages/devicebound", 10, (delivery, m) -> received.add(m));
            hub().cloudToDevice().send("slow-settler", C2dMessage.of("hold me").messageId("lock-1"));
            await().atMost(WAIT).until(() -> received.size() == 1);

            hub().clock().advance(Duration.ofSeconds(59)); // a clock move runs the hub's expiry at once
            C2dRecord held = hub().cloudToDevice().find("lock-1").orElseThrow();
            hub().clock().advance(Duration.ofSeconds(1));
            await().atMost(WAIT).until(() -> received.size() == 2);
            C2dRecord again = hub().cloudToDevice().find("lock-1").orElseThrow();

            assertThat(held.deliveryCount()).as("locked for a full minute").isEqualTo(1);
            assertThat(again.deliveryCount()).isEqualTo(2);
            assertThat(again.outcomes()).containsExactly(C2dOutcome.ENQUEUED, C2dOutcome.DELIVERED,
                    C2dOutcome.ENQUEUED, C2dOutcome.DELIVERED);
            assertThat(((Data) received.get(1).getBody()).getValue().toString()).contains("hold me");
        }
    }

    @Test
    void withheldSettlementsOfCloudToDeviceMessagesApplyWhenReleased() {
        DeviceIdentity dev = hub().devices().create("withheld");
        hub().faults().inject("withheld", Fault.withholdAcks());
        try (AmqpWire client = deviceConnection(dev)) {
            client.receiver("/devices/withheld/messages/devicebound", 10, (delivery, m) -> delivery.disposition(
                    Accepted.getInstance(), true));
            hub().cloudToDevice().send("withheld", C2dMessage.of("ack me later").messageId("wh-1"));
            await().atMost(WAIT).until(() -> hub().cloudToDevice().find("wh-1").orElseThrow().deliveryCount() == 1);
            ProtonSender sender = client.sender("/devices/withheld/messages/events", ProtonQoS.AT_LEAST_ONCE);
            assertThat(client.send(sender, AmqpWireTest.c2d("/devices/withheld/messages/events")))
                    .as("a round trip on the connection, after the settlement").isInstanceOf(Accepted.class);
            assertThat(hub().cloudToDevice().find("wh-1").orElseThrow().outcome()).isEqualTo(C2dOutcome.DELIVERED);

            hub().faults().releaseAcks("withheld");
            hub().cloudToDevice().awaitOutcome("wh-1", C2dOutcome.COMPLETED, WAIT);
        }
    }

    @Test
    void aRefusedConnectionRefusesTheDevicesLinksAndADroppedOneEndsWithAnAmqpClose() {
        DeviceIdentity dev = hub().devices().create("faulty");
        hub().faults().inject("faulty", Fault.refuseConnect(io.github.iothubkit.fakehub.fault.ConnectRefusal.NOT_AUTHORIZED));
        try (AmqpWire client = deviceConnection(dev)) {
            assertThat(client.refusedAttach(true, "/devices/faulty/messages/events").getCondition().toString())
                    .isEqualTo("amqp:unauthorized-access");
            client.sender("/devices/faulty/messages/events", ProtonQoS.AT_LEAST_ONCE);
            await().atMost(WAIT).until(() -> hub().isConnected("faulty"));

            assertThat(hub().disconnect("faulty")).isTrue();
            await().atMost(WAIT).until(() -> !hub().isConnected("faulty"));
        }
    }

    @Test
    void aFaultRequestInTelemetryClosesTheDevicesAmqpConnectionAndTheMessageIsRecorded() {
        DeviceIdentity dev = hub().devices().create("self-breaker");
        try (AmqpWire client = deviceConnection(dev)) {
            ProtonSender sender = client.sender("/devices/self-breaker/messages/events", ProtonQoS.AT_LEAST_ONCE);
            await().atMost(WAIT).until(() -> hub().isConnected("self-breaker"));
            Message fault = AmqpWireTest.c2d("/devices/self-breaker/messages/events");
            fault.setApplicationProperties(new org.apache.qpid.proton.amqp.messaging.ApplicationProperties(
                    java.util.Map.of("AzIoTHub_FaultOperationType", "KillAmqpConnection",
                            "AzIoTHub_FaultOperationCloseReason", "boom", "AzIoTHub_FaultOperationDelayInSecs", "0")));

            assertThat(client.send(sender, fault)).isInstanceOf(Accepted.class);
            await().atMost(WAIT).until(() -> !hub().isConnected("self-breaker"));
            assertThat(hub().telemetry().messages("self-breaker")).hasSize(1);
        }
    }
}
