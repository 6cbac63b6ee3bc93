package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubkit.contract.clients.DeviceClients;
import io.github.iothubkit.contract.target.HubExtension;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.TestDevice;
import io.github.iothubkit.contract.target.TestDevices;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Telemetry through the built-in Event Hubs-compatible endpoint: a device sends with the device SDK, the
 * back end reads with the Event Hubs SDK from every partition, from the start, and keeps its device's events.
 */
@ExtendWith(HubExtension.class)
class EventHubsContractTest {

    @Test
    void theEventHubsClientReadsWhatTheDeviceSentWithIotHubsSystemProperties(HubUnderTest hub, TestDevices devices)
            throws Exception {
        TestDevice device = devices.create("eventhubs");
        DeviceClient client = DeviceClients.mqtt(hub, device);
        SSLContext previous = SSLContext.getDefault();
        EventHubConsumerAsyncClient consumer = null;
        try {
            client.open(false);
            for (int i = 0; i < 2; i++) {
                Message m = new Message("{\"eh\":" + i + "}");
                m.setMessageId("eh-" + i);
                m.setContentType("application/json");
                m.setProperty("n", Integer.toString(i));
                client.sendEvent(m);
            }
            if (hub.sslContext() != null) {
                SSLContext.setDefault(hub.sslContext()); // the Event Hubs client trusts only the JVM default
            }
            consumer = new EventHubClientBuilder().connectionString(hub.eventHubsConnectionString())
                    .retryOptions(new AmqpRetryOptions().setTryTimeout(Duration.ofSeconds(60)))
                    .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildAsyncConsumerClient();
            List<EventData> mine = consumer.receive(true).map(PartitionEvent::getData)
                    .filter(e -> device.deviceId().equals(e.getSystemProperties().get("iothub-connection-device-id")))
                    .take(2).collectList().block(hub.deliveryTimeout());

            assertThat(mine).extracting(EventData::getBodyAsString).containsExactly("{\"eh\":0}", "{\"eh\":1}");
            assertThat(mine).extracting(EventData::getMessageId).containsExactly("eh-0", "eh-1");
            assertThat(mine.get(1).getProperties()).containsEntry("n", "1");
            assertThat(mine.get(1).getContentType()).isEqualTo("application/json");
            assertThat(mine.get(1).getSystemProperties()).containsEntry("iothub-message-source", "Telemetry")
                    .containsKeys("iothub-connection-auth-method", "iothub-connection-auth-generation-id",
                            "iothub-enqueuedtime");
            assertThat(mine.get(1).getSequenceNumber()).isGreaterThan(mine.get(0).getSequenceNumber());
        } finally {
            SSLContext.setDefault(previous);
            if (consumer != null) {
                consumer.close();
            }
            client.close();
        }
    }
}
