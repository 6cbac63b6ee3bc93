package io.github.iothubkit.fakehub.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import io.github.iothubkit.fakehub.clients.HubClients;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two hubs at once in one JVM, each on its own automatic loopback address, each with real SDK clients. */
class ParallelHubsTest {

    @RegisterExtension
    static FakeIotHubExtension left = FakeIotHubExtension.newInstance().build();
    @RegisterExtension
    static FakeIotHubExtension right = FakeIotHubExtension.newInstance().build();

    @Test
    void twoHubsServeTheSameDeviceIdIndependently() throws Exception {
        assertThat(left.hub().host()).startsWith("127.0.1.").isNotEqualTo(right.hub().host());
        assertThat(right.hub().host()).startsWith("127.0.1.");
        BlockingQueue<String> leftInbox = new LinkedBlockingQueue<>();
        BlockingQueue<String> rightInbox = new LinkedBlockingQueue<>();
        BlockingQueue<FeedbackRecord> rightFeedback = new LinkedBlockingQueue<>();
        DeviceClient leftDevice = device(left, leftInbox);
        DeviceClient rightDevice = device(right, rightInbox);
        MessagingClient leftService = HubClients.messagingClient(left.hub());
        MessagingClient rightService = HubClients.messagingClient(right.hub());
        MessageFeedbackProcessorClient feedback = HubClients.feedbackProcessor(right.hub(), batch -> {
            rightFeedback.addAll(batch.getRecords());
            return AcknowledgementType.COMPLETE;
        });
        try {
            leftService.open();
            rightService.open();
            feedback.start();
            Message toLeft = new Message("to the left hub");
            toLeft.setDeliveryAcknowledgement(DeliveryAcknowledgement.None); // the SDK's default asks for full feedback
            leftService.send("dev1", toLeft);
            Message toRight = new Message("to the right hub");
            toRight.setMessageId("r1");
            toRight.setDeliveryAcknowledgement(DeliveryAcknowledgement.PositiveOnly);
            rightService.send("dev1", toRight);

            assertThat(leftInbox.poll(15, TimeUnit.SECONDS)).isEqualTo("to the left hub");
            assertThat(rightInbox.poll(15, TimeUnit.SECONDS)).isEqualTo("to the right hub");
            FeedbackRecord record = rightFeedback.poll(15, TimeUnit.SECONDS);
            assertThat(record).isNotNull();
            assertThat(record.getOriginalMessageId()).isEqualTo("r1");
            assertThat(leftInbox).isEmpty();
            assertThat(rightInbox).isEmpty();
            assertThat(left.hub().feedback().records()).isEmpty();
        } finally {
            feedback.stop();
            leftService.close();
            rightService.close();
            leftDevice.close();
            rightDevice.close();
        }
    }

    private static DeviceClient device(FakeIotHubExtension hub, BlockingQueue<String> inbox) throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev1");
        DeviceClient client = HubClients.deviceClient(hub.hub(), dev);
        client.setMessageCallback((m, ctx) -> {
            inbox.add(new String(m.getBytes(), StandardCharsets.UTF_8));
            return IotHubMessageResult.COMPLETE;
        }, null);
        client.open(false);
        return client;
    }
}
