package io.github.iothubkit.fakehub.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.CloudToDevice;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.security.MqttWire;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many C2D messages through one hub without {@code reset()}, over MQTT/TLS to raw devices that PUBACK each
 * one: every message is completed once and in order, and the heap used after GC plateaus once the
 * history is full, because retention drops the oldest finished messages.
 *
 * <p>In {@code mvn test}: 20,000 messages of 1 KB with {@code historyLimit(1000)}; heap growth between message
 * 5,000 and 20,000 must stay under 8 MB (an unbounded history grows by about 20 MB here). The full soak, with
 * the hub's default retention (100,000): 1,000,000 messages of 256 B, growth between message 100,000 and
 * 1,000,000 at most 32 MB (a few minutes):
 * {@code mvn -pl fake-hub -am test -Dtest=C2dSoakTest -Dsoak=full -Dsurefire.failIfNoSpecifiedTests=false}.
 * Each figure can be set: {@code -Dsoak.messages}, {@code -Dsoak.historyLimit} (0 or more, or {@code default}),
 * {@code -Dsoak.payload} (bytes), {@code -Dsoak.maxGrowthMb}.
 */
class C2dSoakTest {

    private static final boolean FULL = "full".equals(System.getProperty("soak"));
    private static final int MESSAGES = Integer.getInteger("soak.messages", FULL ? 1_000_000 : 20_000);
    private static final String LIMIT = System.getProperty("soak.historyLimit", FULL ? "default" : "1000");
    private static final int PAYLOAD = Integer.getInteger("soak.payload", FULL ? 256 : 1024);
    private static final int MAX_GROWTH_MB = Integer.getInteger("soak.maxGrowthMb", FULL ? 32 : 8);
    /** The heap is first measured here: the history is full by then. */
    private static final int CHECKPOINT = MESSAGES / (FULL ? 10 : 4);
    private static final int DEVICES = 4;
    /** Messages of one device on their way at once; under IoT Hub's queue depth of 50, so a send never fails. */
    private static final int WINDOW = 32;
    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    void heapPlateausWhileMessagesFlowWithoutReset() throws Exception {
        FakeIotHub.Builder builder = FakeIotHub.builder().autoHost().mqttPort(0).amqpPort(0);
        if (!LIMIT.equals("default")) {
            int limit = Integer.parseInt(LIMIT);
            if (limit < 2 * DEVICES * WINDOW) { // the sender awaits messages a window back, so they must still be kept
                throw new IllegalArgumentException("soak.historyLimit must be at least " + 2 * DEVICES * WINDOW);
            }
            builder.historyLimit(limit);
        }
        List<Mqtt3AsyncClient> devices = new ArrayList<>();
        AtomicLong received = new AtomicLong();
        AtomicInteger outOfOrder = new AtomicInteger();
        try (FakeIotHub hub = builder.start()) {
            for (int d = 0; d < DEVICES; d++) {
                devices.add(connect(hub, hub.devices().create("soak" + d), received, outOfOrder));
            }
            CloudToDevice c2d = hub.cloudToDevice();
            byte[] filler = new byte[Math.max(0, PAYLOAD - 4)];
            long start = System.nanoTime();
            long heapAtCheckpoint = 0;
            for (int k = 0; k < MESSAGES; k++) {
                if (k >= DEVICES * WINDOW) {
                    c2d.awaitOutcome(id(k - DEVICES * WINDOW), C2dOutcome.COMPLETED, STEP); // same device, window back
                }
                if (k == CHECKPOINT) {
                    heapAtCheckpoint = usedHeapAfterGc();
                }
                byte[] body = ByteBuffer.allocate(4 + filler.length).putInt(k).put(filler).array();
                c2d.send("soak" + (k % DEVICES), C2dMessage.of(body).messageId(id(k)));
            }
            for (int k = Math.max(0, MESSAGES - DEVICES); k < MESSAGES; k++) {
                c2d.awaitOutcome(id(k), C2dOutcome.COMPLETED, STEP); // each device completes in order
            }
            long heapAtEnd = usedHeapAfterGc();
            double seconds = (System.nanoTime() - start) / 1e9;
            long growth = heapAtEnd - heapAtCheckpoint;
            System.out.printf("C2dSoakTest: %,d messages of %d B in %.1f s (%.0f msg/s), history limit %s; used heap"
                    + " after GC %d MB at message %,d, %d MB at the end: growth %+.1f MB (bar %d MB); %d records kept%n",
                    MESSAGES, PAYLOAD, seconds, MESSAGES / seconds, LIMIT, heapAtCheckpoint >> 20, CHECKPOINT,
                    heapAtEnd >> 20, growth / 1048576.0, MAX_GROWTH_MB, c2d.records().size());

            assertThat(received.get()).as("deliveries (a redelivery would count twice)").isEqualTo(MESSAGES);
            assertThat(outOfOrder.get()).as("deliveries out of order or repeated").isZero();
            assertThat(growth).as("used heap growth after GC between message %,d and %,d, in bytes", CHECKPOINT,
                    MESSAGES).isLessThanOrEqualTo((long) MAX_GROWTH_MB << 20);
        } finally {
            devices.forEach(c -> c.disconnect().exceptionally(e -> null).join());
        }
    }

    private static String id(int k) {
        return "soak-" + k;
    }

    /** A raw MQTT device that PUBACKs every message and checks that its indices arrive in order. */
    private static Mqtt3AsyncClient connect(FakeIotHub hub, DeviceIdentity device, AtomicLong received,
            AtomicInteger outOfOrder) throws Exception {
        String id = device.deviceId();
        Mqtt3AsyncClient client = Mqtt3Client.builder().identifier(id).serverHost(hub.host()).serverPort(hub.mqttsPort())
                .sslConfig().trustManagerFactory(hub.trust().trustManagerFactory()).applySslConfig()
                .simpleAuth().username(hub.host() + "/" + id + "/?api-version=2021-04-12")
                .password(MqttWire.password(hub, id, device.primaryKey()).getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().buildAsync();
        AtomicInteger last = new AtomicInteger(-1);
        client.publishes(MqttGlobalPublishFilter.ALL, p -> {
            ByteBuffer payload = p.getPayload().orElseThrow();
            int index = payload.getInt(payload.position());
            if (index <= last.getAndSet(index)) {
                outOfOrder.incrementAndGet();
            }
            received.incrementAndGet();
        });
        CompletableFuture<?> ready = client.connectWith().cleanSession(false).keepAlive(120).send()
                .thenCompose(ack -> client.subscribeWith().topicFilter("devices/" + id + "/messages/devicebound/#")
                        .qos(MqttQos.AT_LEAST_ONCE).send());
        ready.get(1, TimeUnit.MINUTES);
        return client;
    }

    /** Used heap after full collections, the lowest of a few (a collection may leave some garbage behind). */
    private static long usedHeapAfterGc() {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            lowest = Math.min(lowest, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }
}
