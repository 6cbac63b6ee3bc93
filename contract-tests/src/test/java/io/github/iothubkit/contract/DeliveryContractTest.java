package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import io.github.iothubkit.contract.clients.C2dSender;
import io.github.iothubkit.contract.clients.FeedbackCollector;
import io.github.iothubkit.contract.clients.PahoDevice;
import io.github.iothubkit.contract.clients.RawMqttDevice;
import io.github.iothubkit.contract.target.HubExtension;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.TestDevice;
import io.github.iothubkit.contract.target.TestDevices;
import io.github.iothubkit.deviceapp.DeviceApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** When messages reach a device: queued while it is offline, again after a lost PUBACK, never once expired. */
@ExtendWith(HubExtension.class)
class DeliveryContractTest {

    @Test
    void queuesMessagesForAnOfflineDeviceAndDeliversThemInOrderWhenItConnects(HubUnderTest hub, TestDevices devices)
            throws Exception {
        TestDevice device = devices.create("offline");
        try (C2dSender sender = C2dSender.open(hub)) {
            for (int i = 0; i < 3; i++) {
                sender.send(device.deviceId(), C2dSender.message("queued-" + i, "body " + i, DeliveryAcknowledgement.None));
            }
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (DeviceApp app = new DeviceApp(DeviceApp.Config.of(device.connectionString())
                .withSslContext(hub.sslContext())
                .withOutput(new PrintStream(printed, true, StandardCharsets.UTF_8))).start()) {
            assertThat(app.awaitReceived(3, hub.deliveryTimeout())).as("3 queued messages printed").isTrue();
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out).containsSubsequence("('message_id', 'queued-0')", "('message_id', 'queued-1')",
                "('message_id', 'queued-2')");
    }

    /**
     * Unverified on a real hub: whether it redelivers at once on reconnect or only after the one-minute lock,
     * and whether it sets DUP (MQTT 3.1.1 requires it; IoT Hub's docs do not say).
     */
    @Test
    @Tag(Tags.UNVERIFIED_ON_REAL_HUB)
    void redeliversAMessageWhosePubackWasLostWithDupAfterTheDeviceReconnects(HubUnderTest hub, TestDevices devices)
            throws Exception {
        TestDevice device = devices.create("redeliver");
        try (FeedbackCollector feedback = FeedbackCollector.start(hub, device.deviceId());
             C2dSender sender = C2dSender.open(hub)) {
            try (PahoDevice first = PahoDevice.connect(hub, device)) {
                sender.send(device.deviceId(), C2dSender.message("unacked", "A", DeliveryAcknowledgement.Full));
                PahoDevice.Received a = first.take(hub.deliveryTimeout());
                assertThat(a.topic()).contains("%24.mid=unacked");
                assertThat(a.duplicate()).isFalse();
                first.dropConnection(); // no PUBACK ever left the device
            }

            sender.send(device.deviceId(), C2dSender.message("later", "B", DeliveryAcknowledgement.Full));
            try (PahoDevice again = PahoDevice.connect(hub, device)) {
                PahoDevice.Received a2 = again.take(hub.deliveryTimeout());
                assertThat(a2.topic()).contains("%24.mid=unacked");
                assertThat(a2.duplicate()).as("DUP on the redelivered PUBLISH").isTrue();
                assertThat(new String(a2.payload(), StandardCharsets.UTF_8)).isEqualTo("A");
                PahoDevice.Received b = again.take(hub.deliveryTimeout());
                // Not queued behind, never replacing, the redelivered one. (No DUP check: the hub may have
                // pushed it to the dying connection before it saw the drop, and then DUP=1 is right.)
                assertThat(b.topic()).contains("%24.mid=later");
                again.acknowledge(a2);
                again.acknowledge(b);
                assertThat(feedback.awaitAll(hub.feedbackTimeout(), "unacked", "later"))
                        .extracting(FeedbackCollector.Feedback::statusCode)
                        .containsOnly(FeedbackStatusCode.success);
            }
        }
    }

    /**
     * One expiry serves every ack mode, so that a real hub is waited for once (at least a minute): Expired
     * feedback for full and negative, none for positive and none, and no expired message is ever delivered.
     */
    @Test
    @Tag(Tags.SLOW_ON_REAL_HUB)
    void neverDeliversAnExpiredMessageAndReportsExpiredOnlyForFullAndNegativeAcks(HubUnderTest hub,
            TestDevices devices) throws Exception {
        TestDevice device = devices.create("expiry");
        Instant expiry = hub.expiryFor(Duration.ofSeconds(5));
        try (FeedbackCollector feedback = FeedbackCollector.start(hub, device.deviceId());
             C2dSender sender = C2dSender.open(hub)) {
            sender.send(device.deviceId(), C2dSender.withExpiry(
                    C2dSender.message("exp-full", "x", DeliveryAcknowledgement.Full), expiry));
            sender.send(device.deviceId(), C2dSender.withExpiry(
                    C2dSender.message("exp-negative", "x", DeliveryAcknowledgement.NegativeOnly), expiry));
            sender.send(device.deviceId(), C2dSender.withExpiry(
                    C2dSender.message("exp-positive", "x", DeliveryAcknowledgement.PositiveOnly), expiry));
            sender.send(device.deviceId(), C2dSender.withExpiry(
                    C2dSender.message("exp-none", "x", DeliveryAcknowledgement.None), expiry));

            hub.awaitExpiry(expiry);
            sender.send(device.deviceId(), C2dSender.message("marker", "fresh", DeliveryAcknowledgement.Full));
            try (RawMqttDevice raw = RawMqttDevice.subscribed(hub, device, false)) {
                // Queues are FIFO: had any expired message survived, it would arrive before the marker.
                assertThat(raw.take(hub.deliveryTimeout()).getTopic().toString()).contains("%24.mid=marker");
            }
            assertThat(feedback.awaitAll(hub.feedbackTimeout(), "exp-full", "exp-negative"))
                    .extracting(FeedbackCollector.Feedback::statusCode)
                    .containsOnly(FeedbackStatusCode.expired);
            // The marker completed after the expiries, so its record comes with or after theirs.
            assertThat(feedback.await("marker", hub.feedbackTimeout()).statusCode()).isEqualTo(FeedbackStatusCode.success);
            assertThat(feedback.records()).extracting(FeedbackCollector.Feedback::originalMessageId)
                    .doesNotContain("exp-positive", "exp-none");
        }
    }
}
