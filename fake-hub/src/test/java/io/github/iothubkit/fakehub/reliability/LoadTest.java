package io.github.iothubkit.fakehub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.security.MqttWire;
import io.reactivex.schedulers.Schedulers;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Many devices receive C2D messages sent through the real service SDK at the same time: every message is
 * completed exactly once, in order per device, and only by the device it was sent to.
 *
 * <p>Size: {@code -Dload.devices=N} raw MQTT devices (default 100) plus {@code -Dload.sdkDevices=M} real
 * {@code DeviceClient}s (default 3), {@code -Dload.messages=K} per device (default 50, IoT Hub's queue depth),
 * {@code -Dload.senders=S} sending threads (default min(devices, 100)). Full size:
 * {@code mvn -pl fake-hub test -Dtest=LoadTest -Dload.devices=1000}.
 */
class LoadTest {

    private static final int RAW = Integer.getInteger("load.devices", 100);
    private static final int SDK = Integer.getInteger("load.sdkDevices", 3);
    private static final int MESSAGES = Integer.getInteger("load.messages", 50);
    private static final int SENDERS = Integer.getInteger("load.senders", Math.min(RAW + SDK, 100));

    @Test
    void everyMessageIsCompletedExactlyOnceInOrderByItsOwnDevice() throws Exception {
        long heapBefore = usedHeapAfterGc();
        long start = System.nanoTime();
        int total = RAW + SDK;
        List<String> ids = new ArrayList<>();
        Map<String, Queue<String>> received = new ConcurrentHashMap<>();
        List<Mqtt3AsyncClient> raw = new ArrayList<>();
        List<DeviceClient> sdk = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        ExecutorService hiveApp = Executors.newFixedThreadPool(2);
        MqttClientExecutorConfig shared = MqttClientExecutorConfig.builder().nettyThreads(2)
                .applicationScheduler(Schedulers.from(hiveApp)).build();
        try (FakeIotHub hub = FakeIotHub.builder().host("127.0.0.100").start()) {
          try {
            List<CompletableFuture<?>> connects = new ArrayList<>();
            Semaphore handshakes = new Semaphore(64); // keep the accept backlog and the 2 cores from drowning
            for (int d = 0; d < total; d++) {
                String id = "load" + d;
                ids.add(id);
                received.put(id, new ConcurrentLinkedQueue<>());
                DeviceIdentity device = hub.devices().create(id);
                if (d < RAW) {
                    Mqtt3AsyncClient client = Mqtt3Client.builder().identifier(id).serverHost(hub.host())
                            .serverPort(hub.mqttsPort()).executorConfig(shared)
                            .sslConfig().trustManagerFactory(hub.trust().trustManagerFactory()).applySslConfig()
                            .simpleAuth().username(hub.host() + "/" + id + "/?api-version=2021-04-12")
                            .password(MqttWire.password(hub, id, device.primaryKey()).getBytes(StandardCharsets.UTF_8))
                            .applySimpleAuth().buildAsync();
                    Queue<String> mine = received.get(id);
                    client.publishes(MqttGlobalPublishFilter.ALL, p -> mine.add(p.getTopic() + " "
                            + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
                    raw.add(client);
                    handshakes.acquire();
                    connects.add(client.connectWith().cleanSession(false).keepAlive(120).send()
                            .thenCompose(ack -> client.subscribeWith().topicFilter("devices/" + id
                                    + "/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE).send())
                            .whenComplete((ok, e) -> handshakes.release()));
                } else {
                    DeviceClient client = new DeviceClient(device.connectionString(), IotHubClientProtocol.MQTT,
                            ClientOptions.builder().sslContext(hub.trust().sslContext()).build());
                    Queue<String> mine = received.get(id);
                    client.setMessageCallback((m, ctx) -> {
                        mine.add("sdk:" + m.getMessageId() + " " + new String(m.getBytes(), StandardCharsets.UTF_8));
                        return IotHubMessageResult.COMPLETE;
                    }, null);
                    sdk.add(client);
                }
            }
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            long rawConnected = System.nanoTime();
            for (DeviceClient client : sdk) {
                client.open(true);
            }
            long connected = System.nanoTime();
            long heapConnected = usedHeapAfterGc();

            List<MessagingClient> services = List.of(messagingClient(hub), messagingClient(hub));
            for (MessagingClient s : services) {
                s.open();
            }
            List<Future<?>> sends = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                int thread = t;
                sends.add(senders.submit(() -> {
                    MessagingClient service = services.get(thread % services.size());
                    // each thread owns some devices and sends to each in order: send() returns once the hub accepted
                    for (int i = 0; i < MESSAGES; i++) {
                        for (int d = thread; d < total; d += SENDERS) {
                            Message m = new Message("for load" + d + " #" + i);
                            m.setMessageId("load" + d + "-" + i);
                            service.send("load" + d, m);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : sends) {
                f.get(10, TimeUnit.MINUTES);
            }
            long sent = System.nanoTime();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                    hub.cloudToDevice().records().stream().filter(r -> r.outcome() == C2dOutcome.COMPLETED).count()
                            == (long) total * MESSAGES);
            long done = System.nanoTime();

            List<C2dRecord> records = hub.cloudToDevice().records();
            assertThat(records).hasSize(total * MESSAGES).allSatisfy(r -> {
                assertThat(r.outcomes()).as(r.toString()).containsExactly(C2dOutcome.ENQUEUED, C2dOutcome.DELIVERED,
                        C2dOutcome.COMPLETED);
                assertThat(r.deliveryCount()).as(r.toString()).isEqualTo(1);
            });
            assertThat(records.stream().map(C2dRecord::messageId).distinct()).hasSize(total * MESSAGES);
            for (int d = 0; d < total; d++) {
                String id = ids.get(d);
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    expected.add(d < RAW
                            ? "devices/" + id + "/messages/devicebound/%24.mid=" + id + "-" + i + " for " + id + " #" + i
                            : "sdk:" + id + "-" + i + " for " + id + " #" + i);
                }
                // the topic goes on with the rest of the bag: compare the start of it and the body
                List<String> got = received.get(id).stream().map(s -> s.replaceFirst("&[^ ]*", "")).toList();
                assertThat(got).as("what %s received, in order", id).containsExactlyElementsOf(expected);
            }
            long heapLoaded = usedHeapAfterGc();
            for (MessagingClient s : services) {
                s.close();
            }
            closeDevices(raw, sdk);
            System.out.printf("LoadTest: %d raw MQTT + %d SDK devices, %d C2D each (%d total), %d sender threads%n",
                    RAW, SDK, MESSAGES, total * MESSAGES, SENDERS);
            System.out.printf("LoadTest: raw devices connected and subscribed in %.1f s, SDK devices opened in %.1f s%n",
                    secs(rawConnected - start), secs(connected - rawConnected));
            System.out.printf("LoadTest: connect %.1f s, send %.1f s (%.0f msg/s accepted), all completed %.1f s after"
                    + " the last send; total %.1f s%n", secs(connected - start), secs(sent - connected),
                    total * MESSAGES / secs(sent - connected), secs(done - sent), secs(done - start));
            System.out.printf("LoadTest: used heap after GC: before %d MB, all connected %d MB, after the messages %d MB"
                    + " (%d KB per device)%n", mb(heapBefore), mb(heapConnected), mb(heapLoaded),
                    (heapLoaded - heapBefore) / 1024 / total);
          } finally {
            closeDevices(raw, sdk); // before the hub goes, or the SDK clients start reconnecting
          }
        } finally {
            senders.shutdownNow();
            hiveApp.shutdownNow();
        }
        assertThat(received.values().stream().collect(Collectors.summingInt(Queue::size))).isEqualTo(total * MESSAGES);
        received.clear();
        System.out.printf("LoadTest: used heap after GC once the hub and every client closed: %d MB%n",
                mb(usedHeapAfterGc()));
    }

    private static void closeDevices(List<Mqtt3AsyncClient> raw, List<DeviceClient> sdk) {
        List<CompletableFuture<Void>> closing = raw.stream().map(c -> c.disconnect().exceptionally(e -> null)).toList();
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
        raw.clear();
        sdk.forEach(DeviceClient::close);
        sdk.clear();
    }

    private static MessagingClient messagingClient(FakeIotHub hub) {
        return new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(hub.trust().sslContext()).build());
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
