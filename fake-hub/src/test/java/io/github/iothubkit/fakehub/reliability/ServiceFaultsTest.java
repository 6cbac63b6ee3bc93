package io.github.iothubkit.fakehub.reliability;

import io.github.iothubkit.fakehub.amqp.AmqpWire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.security.MqttWire;
import io.github.iothubkit.fakehub.internal.HubInternals;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Service clients that go away mid-batch and feedback receivers that give batches back: whatever the
 * hub told a sender it accepted is queued and delivered once; feedback comes back until completed.
 */
class ServiceFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SINKS = 10;
    private static FakeIotHub hub;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().host("127.0.0.102").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @BeforeEach
    void clean() {
        hub.reset();
        for (int d = 0; d < SINKS; d++) {
            hub.devices().create("sink" + d);
        }
    }

    private static MessagingClient messagingClient() {
        return new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(hub.trust().sslContext()).build());
    }

    @Test
    void anSdkSenderClosedWhileSendsAreInFlightLosesNothingTheHubAccepted() throws Exception {
        int total = 300;
        Set<String> sent = new HashSet<>();
        Set<String> succeeded = ConcurrentHashMap.newKeySet();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        CountDownLatch someDone = new CountDownLatch(30);
        MessagingClient client = messagingClient();
        client.open();
        for (int i = 0; i < total; i++) {
            String id = "mid-batch-" + i;
            sent.add(id);
            Message m = new Message("payload " + i);
            m.setMessageId(id);
            client.sendAsync("sink" + (i % SINKS), m, result -> {
                (result.wasSentSuccessfully() ? succeeded : failed).add((String) result.getContext());
                someDone.countDown();
            }, id);
        }
        assertThat(someDone.await(60, TimeUnit.SECONDS)).isTrue();
        client.close(); // the rest is queued in the SDK or on the wire

        List<C2dRecord> records = hub.cloudToDevice().records();
        System.out.printf("ServiceFaultsTest: of %d sends, %d reported success, %d failure (%d both); the hub holds %d%n",
                total, succeeded.size(), failed.size(), succeeded.stream().filter(failed::contains).count(),
                records.size());
        Set<String> inHub = new HashSet<>(records.stream().map(C2dRecord::messageId).toList());
        assertThat(inHub).as("every send the SDK reported as successful").containsAll(succeeded);
        assertThat(sent).as("the hub queued nothing that was not sent").containsAll(inHub);
        assertThat(records).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(C2dOutcome.ENQUEUED));
        // The SDK may report a send twice: success when the hub accepted it, then failure when close()
        // fails everything it still tracks. Only the successes are promises; they are all kept.
        assertThat(succeeded).hasSizeGreaterThanOrEqualTo(30);

        // every queued message reaches its device exactly once, and a new sender is served
        MessagingClient next = messagingClient();
        next.open();
        Message after = new Message("after");
        after.setMessageId("after-close");
        next.send("sink0", after);
        next.close();
        drainAll();
        assertThat(hub.cloudToDevice().records()).allSatisfy(MqttFaultsTest::assertCompletedOnce)
                .allSatisfy(r -> assertThat(r.deliveryCount()).isEqualTo(1));
    }

    @Test
    void aRawSenderWhoseConnectionDropsKeepsEveryAcceptedMessage() throws Exception {
        int total = 200;
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger answered = new AtomicInteger();
        CountDownLatch someAccepted = new CountDownLatch(20);
        AmqpWire wire = AmqpWire.connect(hub);
        assertThat(wire.putToken(UUID.randomUUID(), AmqpWire.serviceToken(hub)).getApplicationProperties()
                .getValue()).containsEntry("status-code", 200);
        ProtonSender sender = wire.sender("/messages/devicebound", ProtonQoS.AT_LEAST_ONCE);
        for (int i = 0; i < total; i++) {
            String id = "raw-" + i;
            org.apache.qpid.proton.message.Message m = org.apache.qpid.proton.message.Message.Factory.create();
            m.setMessageId(id);
            m.setAddress("/devices/sink" + (i % SINKS) + "/messages/devicebound");
            m.setBody(new Data(new Binary(id.getBytes(StandardCharsets.UTF_8))));
            wire.sendNoWait(sender, m, state -> {
                answered.incrementAndGet();
                if (state instanceof Accepted) {
                    accepted.add(id);
                    someAccepted.countDown();
                }
            });
        }
        assertThat(someAccepted.await(30, TimeUnit.SECONDS)).isTrue();
        wire.disconnectNow(); // a crashed service: no detach, no close, deliveries unsettled

        Set<String> inHub = new HashSet<>(hub.cloudToDevice().records().stream().map(C2dRecord::messageId).toList());
        System.out.printf("ServiceFaultsTest: raw sender dropped after %d of %d outcomes (%d accepted); the hub holds %d%n",
                answered.get(), total, accepted.size(), inHub.size());
        assertThat(inHub).containsAll(accepted);
        assertThat(inHub).allSatisfy(id -> assertThat(id).startsWith("raw-"));
        drainAll();
        assertThat(hub.cloudToDevice().records()).allSatisfy(MqttFaultsTest::assertCompletedOnce);
    }

    @Test
    void feedbackAbandonedByTheSdkOrLeftUnsettledByADroppedReceiverComesBackUntilCompleted() throws Exception {
        DeviceIdentity dev = hub.devices().create("fb-device");
        try (MqttWire device = MqttWire.connected(hub, "fb-device", dev.primaryKey(), 60)) {
            device.subscribeC2d("fb-device");
            for (int i = 0; i < 5; i++) {
                hub.cloudToDevice().send("fb-device", C2dMessage.of("f").messageId("fb" + i).ack(AckMode.FULL));
                device.puback(device.read().packetId());
            }
            hub.cloudToDevice().awaitOutcome("fb4", C2dOutcome.COMPLETED, WAIT);
        }
        Set<String> expected = Set.of("fb0", "fb1", "fb2", "fb3", "fb4");

        // 1. a raw receiver takes batches and drops its connection without settling them
        AmqpWire raw = AmqpWire.connect(hub);
        raw.putToken(UUID.randomUUID(), AmqpWire.serviceToken(hub));
        BlockingQueue<String> held = new LinkedBlockingQueue<>();
        raw.receiver("/messages/servicebound/feedback", 10, (delivery, message) ->
                held.add(new String(((Data) message.getBody()).getValue().getArray(), StandardCharsets.UTF_8)));
        assertThat(held.poll(30, TimeUnit.SECONDS)).isNotNull();
        raw.disconnectNow();

        // 2. the SDK abandons the first batch it gets, then completes
        List<List<String>> abandoned = new ArrayList<>();
        List<String> completed = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        MessageFeedbackProcessorClient processor = new MessageFeedbackProcessorClient(hub.serviceConnectionString(),
                IotHubServiceClientProtocol.AMQPS, batch -> {
                    List<String> ids = batch.getRecords().stream().map(FeedbackRecord::getOriginalMessageId).toList();
                    synchronized (completed) {
                        if (calls.incrementAndGet() == 1) {
                            abandoned.add(ids);
                            return AcknowledgementType.ABANDON;
                        }
                        completed.addAll(ids);
                        return AcknowledgementType.COMPLETE;
                    }
                }, MessageFeedbackProcessorClientOptions.builder().sslContext(hub.trust().sslContext()).build());
        processor.start();
        try {
            await().atMost(WAIT).until(() -> {
                synchronized (completed) {
                    return completed.size() >= expected.size();
                }
            });
            await().atMost(WAIT).until(() -> HubInternals.context(hub).feedbackOutbox().pending() == 0);
        } finally {
            processor.stop();
        }
        synchronized (completed) {
            assertThat(completed).as("each record completed exactly once").containsExactlyInAnyOrderElementsOf(expected);
            assertThat(abandoned).singleElement().satisfies(ids -> assertThat(ids).isNotEmpty());
        }
    }

    /** Connects every sink, acknowledges everything queued for it, and waits until all is completed. */
    private static void drainAll() throws Exception {
        for (int d = 0; d < SINKS; d++) {
            String id = "sink" + d;
            try (MqttWire device = MqttWire.connected(hub, id, hub.devices().get(id).primaryKey(), 60)) {
                device.subscribeC2d(id);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!hub.cloudToDevice().queued(id).isEmpty()) {
                    assertThat(System.nanoTime()).as("%s drained within %s", id, WAIT).isLessThan(deadline);
                    MqttWire.Packet p = device.poll(Duration.ofMillis(200));
                    if (p != null) {
                        device.puback(p.packetId());
                    }
                }
            }
        }
    }
}
