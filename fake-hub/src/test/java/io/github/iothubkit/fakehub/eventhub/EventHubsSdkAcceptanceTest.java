package io.github.iothubkit.fakehub.eventhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.azure.messaging.eventhubs.models.ReceiveOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubkit.fakehub.clients.HubClients;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real Event Hubs client ({@code azure-messaging-eventhubs} 5.21.5) reads, through the built-in
 * endpoint, the telemetry the real device SDK sent over MQTT. The Event Hubs client has no trust API:
 * it uses the JVM's default SSLContext, so the class installs the kit's test CA there.
 */
class EventHubsSdkAcceptanceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().host("127.0.0.140").manualClock()
            .configure(b -> b.httpsPort(443)).build();

    private static SSLContext previousDefault;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void trustTheHub() throws Exception {
        previousDefault = SSLContext.getDefault();
        SSLContext.setDefault(hub.hub().trust().sslContext());
    }

    @AfterAll
    static void restoreTrust() {
        SSLContext.setDefault(previousDefault);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private EventHubConsumerAsyncClient consumer(String group) {
        EventHubConsumerAsyncClient client = new EventHubClientBuilder()
                .connectionString(hub.hub().eventHubsConnectionString())
                .consumerGroup(group)
                .retryOptions(new AmqpRetryOptions().setMaxRetries(1).setTryTimeout(Duration.ofSeconds(20)))
                .buildAsyncConsumerClient();
        closing.add(client::close);
        return client;
    }

    @Test
    void theSyncConsumerReadsWithACreditOfOneAtATime() throws Exception {
        DeviceClient client = device(hub.hub().devices().create("sync-reader"));
        send(client, "sync-reader", 0, 3);
        com.azure.messaging.eventhubs.EventHubConsumerClient sync = new EventHubClientBuilder()
                .connectionString(hub.hub().eventHubsConnectionString()).consumerGroup("$Default")
                .buildConsumerClient();
        closing.add(sync::close);

        List<String> bodies = new ArrayList<>();
        sync.receiveFromPartition(hub.hub().eventHub().partitionOf("sync-reader"), 3, EventPosition.earliest(), WAIT)
                .forEach(e -> bodies.add(e.getData().getBodyAsString()));
        assertThat(bodies).containsExactly("{\"reading\":0}", "{\"reading\":1}", "{\"reading\":2}");
    }

    @Test
    void aConsumerOverWebSocketsReadsThroughPort443() throws Exception {
        DeviceClient client = device(hub.hub().devices().create("ws-reader"));
        send(client, "ws-reader", 0, 2);
        EventHubConsumerAsyncClient consumer = new EventHubClientBuilder()
                .connectionString(hub.hub().eventHubsConnectionString())
                .consumerGroup("$Default")
                .transportType(com.azure.core.amqp.AmqpTransportType.AMQP_WEB_SOCKETS)
                .retryOptions(new AmqpRetryOptions().setMaxRetries(1).setTryTimeout(Duration.ofSeconds(20)))
                .buildAsyncConsumerClient();
        closing.add(consumer::close);

        assertThat(bodies(read(consumer, hub.hub().eventHub().partitionOf("ws-reader"), EventPosition.earliest(), 2)))
                .containsExactly("{\"reading\":0}", "{\"reading\":1}");
    }

    @Test
    void aWrongKeyOrAnUnknownConsumerGroupIsRefusedAndTheEndpointServesOthers() throws Exception {
        DeviceClient client = device(hub.hub().devices().create("guarded"));
        send(client, "guarded", 0, 1);
        String partition = hub.hub().eventHub().partitionOf("guarded");
        String wrongKey = hub.hub().eventHubsConnectionString().replaceFirst("SharedAccessKey=[^;]+",
                "SharedAccessKey=" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        EventHubConsumerAsyncClient intruder = new EventHubClientBuilder().connectionString(wrongKey)
                .consumerGroup("$Default")
                .retryOptions(new AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(10)))
                .buildAsyncConsumerClient();
        closing.add(intruder::close);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(intruder, partition, EventPosition.earliest(), 1))
                .hasMessageContaining("nauthorized");

        EventHubConsumerAsyncClient lost = new EventHubClientBuilder()
                .connectionString(hub.hub().eventHubsConnectionString()).consumerGroup("no-such-group")
                .retryOptions(new AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(10)))
                .buildAsyncConsumerClient();
        closing.add(lost::close);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(lost, partition, EventPosition.earliest(), 1))
                .hasMessageContaining("could not be found");

        assertThat(read(consumer("$Default"), partition, EventPosition.earliest(), 1))
                .extracting(EventData::getMessageId).containsExactly("m-0");
    }

    private DeviceClient device(DeviceIdentity identity) throws Exception {
        DeviceClient client = HubClients.deviceClient(hub.hub(), identity);
        client.open(false);
        closing.add(client::close);
        return client;
    }

    private static Message reading(int n) {
        Message m = new Message("{\"reading\":" + n + "}");
        m.setMessageId("m-" + n);
        m.setCorrelationId("c-" + n);
        m.setContentType("application/json");
        m.setContentEncoding("utf-8");
        m.setProperty("kind", "reading");
        m.setProperty("n", Integer.toString(n));
        return m;
    }

    /** Sends {@code count} readings, advancing the hub's clock a second before each. */
    private List<TelemetryMessage> send(DeviceClient client, String deviceId, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            hub.hub().clock().advance(Duration.ofSeconds(1));
            client.sendEvent(reading(i));
        }
        return hub.hub().telemetry().await(deviceId, from + count, WAIT);
    }

    private static List<EventData> read(EventHubConsumerAsyncClient consumer, String partition, EventPosition start,
            int count) {
        return consumer.receiveFromPartition(partition, start).take(count).map(PartitionEvent::getData)
                .collectList().block(WAIT);
    }

    private static List<String> bodies(List<EventData> events) {
        return events.stream().map(EventData::getBodyAsString).toList();
    }

    @Test
    void consumerReadsTelemetryWithEveryPropertyIotHubStamps() throws Exception {
        DeviceIdentity thermostat = hub.hub().devices().create("thermostat");
        DeviceClient client = device(thermostat);
        List<TelemetryMessage> sent = send(client, "thermostat", 0, 3);
        String partition = hub.hub().eventHub().partitionOf("thermostat");

        // started after the device sent: earliest still sees everything, in order
        List<EventData> events = read(consumer("$Default"), partition, EventPosition.earliest(), 3);

        assertThat(bodies(events)).containsExactly("{\"reading\":0}", "{\"reading\":1}", "{\"reading\":2}");
        assertThat(events).extracting(EventData::getSequenceNumber).containsExactly(0L, 1L, 2L);
        assertThat(events.get(1).getOffset()).isGreaterThan(events.get(0).getOffset());
        for (int i = 0; i < 3; i++) {
            EventData e = events.get(i);
            assertThat(e.getMessageId()).isEqualTo("m-" + i);
            assertThat(e.getCorrelationId()).isEqualTo("c-" + i);
            assertThat(e.getContentType()).isEqualTo("application/json");
            assertThat(e.getProperties()).containsEntry("kind", "reading").containsEntry("n", Integer.toString(i))
                    .doesNotContainKey("iothub-connection-device-id");
            Map<String, Object> system = e.getSystemProperties();
            assertThat(system).containsEntry("iothub-connection-device-id", "thermostat")
                    .containsEntry("iothub-message-source", "Telemetry")
                    .containsEntry("iothub-connection-auth-generation-id", thermostat.generationId())
                    .containsEntry("content-encoding", "utf-8");
            assertThat((String) system.get("iothub-connection-auth-method")).contains("\"type\":\"sas\"");
            assertThat(system.get("iothub-enqueuedtime")).isNotNull();
            // the enqueued time is the hub's clock when it accepted the message
            assertThat(e.getEnqueuedTime()).isEqualTo(sent.get(i).receivedTime().truncatedTo(
                    java.time.temporal.ChronoUnit.MILLIS));
        }
        // hub.hub().telemetry() and the endpoint agree
        assertThat(hub.hub().eventHub().events(partition)).extracting(HubEvent::messageId)
                .containsExactlyElementsOf(sent.stream().map(TelemetryMessage::messageId).toList());
    }

    @Test
    void entityAndPartitionPropertiesComeFromManagement() throws Exception {
        DeviceClient client = device(hub.hub().devices().create("meter"));
        send(client, "meter", 0, 2);
        String partition = hub.hub().eventHub().partitionOf("meter");
        EventHubConsumerAsyncClient consumer = consumer("$Default");

        EventHubProperties entity = consumer.getEventHubProperties().block(WAIT);
        assertThat(entity.getName()).isEqualTo("fakehub");
        assertThat(entity.getPartitionIds()).containsExactly("0", "1", "2", "3");

        PartitionProperties mine = consumer.getPartitionProperties(partition).block(WAIT);
        assertThat(mine.getId()).isEqualTo(partition);
        assertThat(mine.isEmpty()).isFalse();
        assertThat(mine.getBeginningSequenceNumber()).isZero();
        assertThat(mine.getLastEnqueuedSequenceNumber()).isEqualTo(1L);
        assertThat(mine.getLastEnqueuedTime()).isEqualTo(hub.hub().clock().now().truncatedTo(
                java.time.temporal.ChronoUnit.MILLIS));
        String other = entity.getPartitionIds().stream().filter(p -> !p.equals(partition)).findFirst().orElseThrow();
        PartitionProperties empty = consumer.getPartitionProperties(other).block(WAIT);
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.getLastEnqueuedSequenceNumber()).isEqualTo(-1L);
    }

    @Test
    void everyEventPositionStartsWhereEventHubsWould() throws Exception {
        DeviceClient client = device(hub.hub().devices().create("sensor"));
        send(client, "sensor", 0, 5);
        String partition = hub.hub().eventHub().partitionOf("sensor");
        List<HubEvent> kept = hub.hub().eventHub().events(partition);
        EventHubConsumerAsyncClient consumer = consumer("$Default");

        assertThat(bodies(read(consumer, partition, EventPosition.earliest(), 5))).hasSize(5);
        assertThat(read(consumer, partition, EventPosition.fromSequenceNumber(2), 2))
                .extracting(EventData::getSequenceNumber).containsExactly(3L, 4L);
        assertThat(read(consumer, partition, EventPosition.fromSequenceNumber(2, true), 3))
                .extracting(EventData::getSequenceNumber).containsExactly(2L, 3L, 4L);
        assertThat(read(consumer, partition, EventPosition.fromOffset(kept.get(1).offset()), 3))
                .extracting(EventData::getSequenceNumber).containsExactly(2L, 3L, 4L);
        // enqueued one second apart by the manual clock: strictly after event 2's time starts at event 3
        assertThat(read(consumer, partition, EventPosition.fromEnqueuedTime(kept.get(2).enqueuedTime()), 2))
                .extracting(EventData::getSequenceNumber).containsExactly(3L, 4L);

        // latest: only what arrives after the receiver attached
        AtomicReference<List<EventData>> latest = new AtomicReference<>();
        ConcurrentLinkedQueue<EventData> seen = new ConcurrentLinkedQueue<>();
        var subscription = consumer.receiveFromPartition(partition, EventPosition.latest())
                .subscribe(e -> seen.add(e.getData()));
        closing.add(subscription::dispose);
        // the receiver is attached once its link is open; until then a send could count as "before"
        await().atMost(WAIT).until(() -> hub.hub().eventHub().readers(partition) > 0);
        send(client, "sensor", 5, 1);
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        latest.set(List.copyOf(seen));
        assertThat(latest.get()).extracting(EventData::getSequenceNumber).containsExactly(5L);
    }

    @Test
    void twoConsumerGroupsEachSeeEveryEvent() throws Exception {
        hub.hub().eventHub().createConsumerGroup("analytics");
        DeviceClient a = device(hub.hub().devices().create("device-a"));
        DeviceClient b = device(hub.hub().devices().create("device-b"));
        send(a, "device-a", 0, 2);
        send(b, "device-b", 0, 2);

        for (String group : List.of("$Default", "analytics")) {
            EventHubConsumerAsyncClient consumer = consumer(group);
            List<String> all = consumer.receive(true).take(4).map(e -> e.getData().getSystemProperties()
                    .get("iothub-connection-device-id") + ":" + e.getData().getMessageId()).collectList().block(WAIT);
            assertThat(all).as(group).containsExactlyInAnyOrder("device-a:m-0", "device-a:m-1", "device-b:m-0",
                    "device-b:m-1");
        }
    }

    @Test
    void eventProcessorClientReadsEveryEventAndCheckpoints() throws Exception {
        DeviceClient a = device(hub.hub().devices().create("proc-a"));
        DeviceClient b = device(hub.hub().devices().create("proc-b"));
        send(a, "proc-a", 0, 3);
        send(b, "proc-b", 0, 3);
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        ConcurrentLinkedQueue<String> processed = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        EventProcessorClient processor = new EventProcessorClientBuilder()
                .connectionString(hub.hub().eventHubsConnectionString())
                .consumerGroup("$Default")
                .checkpointStore(store)
                .initialPartitionEventPosition(p -> EventPosition.earliest())
                .processEvent(ctx -> {
                    processed.add(ctx.getEventData().getSystemProperties().get("iothub-connection-device-id") + ":"
                            + ctx.getEventData().getMessageId());
                    ctx.updateCheckpoint();
                })
                .processError(ctx -> errors.add(ctx.getThrowable()))
                .buildEventProcessorClient();
        processor.start();
        closing.add(processor::stop);

        await().atMost(WAIT).until(() -> processed.size() >= 6);
        assertThat(processed).containsExactlyInAnyOrder("proc-a:m-0", "proc-a:m-1", "proc-a:m-2", "proc-b:m-0",
                "proc-b:m-1", "proc-b:m-2");
        String partitionA = hub.hub().eventHub().partitionOf("proc-a");
        await().atMost(WAIT).until(() -> store.checkpoints.values().stream()
                .anyMatch(c -> c.getPartitionId().equals(partitionA) && c.getSequenceNumber() != null
                        && c.getSequenceNumber() >= 2));
        assertThat(errors).isEmpty();
    }

    @Test
    void anEpochReceiverTakesOverFromANonEpochOne() throws Exception {
        DeviceClient client = device(hub.hub().devices().create("owned"));
        send(client, "owned", 0, 1);
        String partition = hub.hub().eventHub().partitionOf("owned");
        EventHubConsumerAsyncClient plain = consumer("$Default");
        EventHubConsumerAsyncClient exclusive = consumer("$Default");
        AtomicReference<Throwable> plainEnded = new AtomicReference<>();
        ConcurrentLinkedQueue<EventData> plainSeen = new ConcurrentLinkedQueue<>();
        var first = plain.receiveFromPartition(partition, EventPosition.earliest())
                .subscribe(e -> plainSeen.add(e.getData()), plainEnded::set);
        closing.add(first::dispose);
        await().atMost(WAIT).until(() -> plainSeen.size() == 1);

        List<EventData> owned = exclusive.receiveFromPartition(partition, EventPosition.earliest(),
                new ReceiveOptions().setOwnerLevel(1L)).take(1).map(PartitionEvent::getData).collectList().block(WAIT);

        assertThat(owned).extracting(EventData::getMessageId).containsExactly("m-0");
        await().atMost(WAIT).until(() -> plainEnded.get() != null);
        assertThat(plainEnded.get()).isInstanceOf(AmqpException.class);
        assertThat(plainEnded.get().getMessage()).contains("epoch");
    }
}
