package io.github.iothubkit.benchmark;

import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.FakeIotHubException;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import reactor.core.Disposable;

/**
 * Part 5: telemetry from raw MQTT devices (QoS 1, at most {@value Options#WINDOW} unacknowledged each) to
 * the real Event Hubs consumer ({@code EventHubConsumerAsyncClient}, all partitions) through the built-in
 * endpoint. Throughput is first send to last receipt; latency is publish to the consumer's callback,
 * timed in this JVM. Every event must arrive exactly once.
 */
final class EventHubsBench {

    private static final String PART = "5 telemetry to Event Hubs consumer";
    static final String HOST = "127.0.0.66";
    private static final Duration STALL = Duration.ofSeconds(30);

    private EventHubsBench() {
    }

    static void run(Options o, Report report) throws Exception {
        FakeIotHub hub;
        try {
            hub = FakeIotHub.builder().host(HOST).mqttPort(0).amqpPort(0).start();
        } catch (FakeIotHubException e) {
            report.add(PART, "skipped", "-", "", e.getMessage());
            return;
        }
        SSLContext previous = SSLContext.getDefault();
        SSLContext.setDefault(hub.trust().sslContext()); // the Event Hubs client trusts only the JVM default
        List<Mqtt3AsyncClient> devices = new ArrayList<>();
        EventHubConsumerAsyncClient consumer = null;
        Disposable subscription = null;
        try {
            for (int i = 0; i < o.devices(); i++) {
                devices.add(device(hub, hub.devices().create("eh-" + i)));
            }
            int warmup = Math.min(200, o.messages());
            int single = 50; // one at a time after the burst: latency without a backlog
            int burstEnd = warmup + o.messages();
            int total = burstEnd + single;
            long[] sentAt = new long[total];
            boolean[] seen = new boolean[total];
            AtomicInteger received = new AtomicInteger();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicLong lastReceipt = new AtomicLong();
            Stats latency = new Stats();
            Stats unloaded = new Stats();
            CountDownLatch warm = new CountDownLatch(warmup);
            CountDownLatch done = new CountDownLatch(burstEnd);
            consumer = new EventHubClientBuilder().connectionString(hub.eventHubsConnectionString())
                    .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildAsyncConsumerClient();
            subscription = consumer.receive(true).subscribe(event -> {
                long now = System.nanoTime();
                int index = Integer.parseInt(event.getData().getProperties().get("i").toString());
                synchronized (seen) {
                    if (seen[index]) {
                        duplicates.incrementAndGet();
                        return;
                    }
                    seen[index] = true;
                    if (index >= burstEnd) {
                        unloaded.add(now - sentAt[index]);
                    } else if (index >= warmup) {
                        latency.add(now - sentAt[index]);
                    }
                }
                received.incrementAndGet();
                lastReceipt.set(now);
                warm.countDown();
                done.countDown();
            });
            byte[] payload = BenchDevice.payload(0, o.payload());
            send(devices, payload, sentAt, 0, warmup);
            if (!warm.await(STALL.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("warm-up: " + received.get() + " of " + warmup + " events arrived");
            }
            long start = System.nanoTime();
            send(devices, payload, sentAt, warmup, burstEnd);
            boolean all = done.await(STALL.toSeconds(), TimeUnit.SECONDS);
            double seconds = (lastReceipt.get() - start) / 1e9;
            int measured = received.get() - warmup;
            for (int i = burstEnd; i < total && all; i++) {
                int before = received.get();
                send(devices, payload, sentAt, i, i + 1);
                long deadline = System.nanoTime() + STALL.toNanos();
                while (received.get() == before && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000); // polls for one event; leaves the CPU to the hub
                }
            }
            report.rate(PART, "throughput, device publish to consumer receipt", measured / seconds,
                    o.messages() + " events of " + o.payload() + " B from " + o.devices() + " devices, "
                            + hub.eventHub().partitionIds().size() + " partitions");
            report.latency(PART, "latency in the burst, publish to consumer callback", latency,
                    "devices publish faster than one consumer reads: mostly queueing");
            report.latency(PART, "latency one at a time, publish to consumer callback", unloaded, "");
            if (!all || received.get() != total || duplicates.get() > 0) {
                report.problem(PART + ": " + (total - received.get()) + " events missing, " + duplicates.get()
                        + " duplicated");
            }
        } finally {
            if (subscription != null) {
                subscription.dispose();
            }
            if (consumer != null) {
                consumer.close();
            }
            devices.forEach(d -> d.disconnect());
            SSLContext.setDefault(previous);
            hub.close();
        }
    }

    /** Publishes events {@code from..to-1} round-robin over the devices, a window of unacknowledged each. */
    private static void send(List<Mqtt3AsyncClient> devices, byte[] payload, long[] sentAt, int from, int to)
            throws InterruptedException {
        Semaphore[] windows = new Semaphore[devices.size()];
        Arrays.setAll(windows, i -> new Semaphore(Options.WINDOW));
        for (int i = from; i < to; i++) {
            int d = i % devices.size();
            if (!windows[d].tryAcquire(STALL.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("device " + d + " got no PUBACK for " + STALL);
            }
            Mqtt3AsyncClient device = devices.get(d);
            String topic = "devices/" + device.getConfig().getClientIdentifier().map(Object::toString).orElseThrow()
                    + "/messages/events/i=" + i;
            sentAt[i] = System.nanoTime();
            device.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
                    .whenComplete((ack, error) -> windows[d].release());
        }
        for (Semaphore w : windows) { // every publish acknowledged before the part moves on
            if (!w.tryAcquire(Options.WINDOW, STALL.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("publishes unacknowledged after " + STALL);
            }
        }
    }

    private static Mqtt3AsyncClient device(FakeIotHub hub, DeviceIdentity device) {
        String id = device.deviceId();
        String sas = SasToken.create(hub.host() + "/devices/" + id, null, device.primaryKey(),
                Instant.now().plus(Duration.ofHours(1)));
        Mqtt3AsyncClient client = Mqtt3Client.builder().identifier(id).serverHost(hub.host()).serverPort(hub.mqttsPort())
                .sslConfig().trustManagerFactory(hub.trust().trustManagerFactory()).applySslConfig()
                .simpleAuth().username(hub.host() + "/" + id + "/?api-version=2021-04-12")
                .password(sas.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildAsync();
        client.connectWith().cleanSession(true).keepAlive(60).send().join();
        return client;
    }
}
