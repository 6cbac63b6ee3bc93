package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.c2d.Delivery;
import io.github.iothubkit.fakehub.internal.HubInternals;
import io.github.iothubkit.fakehub.session.StubLink;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real service SDK's MessageFeedbackProcessorClient receiving the hub's delivery feedback. */
class ServiceSdkFeedbackTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static FakeIotHub hub;
    private static MessagingClient messaging;
    private static MessageFeedbackProcessorClient processor;
    private static final Queue<FeedbackRecord> received = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        hub = FakeIotHub.builder().host("127.0.0.31").clock(HubClock.manual()).start();
        messaging = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(hub.trust().sslContext()).build());
        messaging.open();
        processor = new MessageFeedbackProcessorClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                batch -> {
                    received.addAll(batch.getRecords());
                    return AcknowledgementType.COMPLETE;
                },
                MessageFeedbackProcessorClientOptions.builder().sslContext(hub.trust().sslContext()).build());
        processor.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (processor != null) {
            processor.stop();
        }
        if (messaging != null) {
            messaging.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void anExpiredFullMessageGivesExpiredFeedback() throws Exception {
        hub.devices().create("dev-expire");
        send("dev-expire", "m-expire", DeliveryAcknowledgement.Full);

        hub.clock().advance(Duration.ofHours(2));

        FeedbackRecord record = awaitRecord("m-expire");
        assertThat(record.getStatusCode()).isEqualTo(FeedbackStatusCode.expired);
        assertThat(record.getDeviceId()).isEqualTo("dev-expire");
        assertThat(record.getDeviceGenerationId()).isEqualTo(hub.devices().get("dev-expire").generationId());
        assertThat(record.getEnqueuedTimeUtc().toInstant())
                .isCloseTo(hub.clock().now(), org.assertj.core.api.Assertions.within(Duration.ofSeconds(1)));
        assertThat(record.getDescription()).isNotBlank();
    }

    @Test
    void aCompletedFullOrPositiveMessageGivesSuccessFeedback() throws Exception {
        hub.devices().create("dev-ok");
        List<Delivery> deliveries = StubLink.connect(HubInternals.context(hub).sessions(), "dev-ok", true).deliveries;
        send("dev-ok", "m-full", DeliveryAcknowledgement.Full);
        send("dev-ok", "m-positive", DeliveryAcknowledgement.PositiveOnly);
        await().atMost(WAIT).until(() -> deliveries.size() == 2);

        deliveries.forEach(d -> HubInternals.context(hub).cloudToDeviceSpi().complete("dev-ok", d.sequence()));

        assertThat(awaitRecord("m-full").getStatusCode()).isEqualTo(FeedbackStatusCode.success);
        assertThat(awaitRecord("m-positive").getStatusCode()).isEqualTo(FeedbackStatusCode.success);
    }

    @Test
    void aCompletedNoneMessageGivesNoFeedback() throws Exception {
        hub.devices().create("dev-none");
        List<Delivery> deliveries = StubLink.connect(HubInternals.context(hub).sessions(), "dev-none", true).deliveries;
        send("dev-none", "m-none", DeliveryAcknowledgement.None);
        send("dev-none", "m-marker", DeliveryAcknowledgement.Full);
        await().atMost(WAIT).until(() -> deliveries.size() == 2);

        List.copyOf(deliveries).forEach(d -> HubInternals.context(hub).cloudToDeviceSpi().complete("dev-none", d.sequence()));

        // feedback keeps order, so once the later marker arrived the 'none' message would have too
        awaitRecord("m-marker");
        assertThat(received).extracting(FeedbackRecord::getOriginalMessageId).doesNotContain("m-none");
    }

    private static void send(String deviceId, String messageId, DeliveryAcknowledgement ack) throws Exception {
        Message message = new Message("payload");
        message.setMessageId(messageId);
        message.setDeliveryAcknowledgement(ack);
        messaging.send(deviceId, message);
    }

    private static FeedbackRecord awaitRecord(String originalMessageId) {
        return await().atMost(WAIT).until(() -> received.stream()
                .filter(r -> originalMessageId.equals(r.getOriginalMessageId())).findFirst().orElse(null),
                r -> r != null);
    }

}
