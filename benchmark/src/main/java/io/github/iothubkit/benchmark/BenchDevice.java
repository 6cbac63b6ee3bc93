package io.github.iothubkit.benchmark;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.TrustManagerFactory;

/**
 * A device without an SDK (HiveMQ 1.4.2, TLS, QoS 1, automatic PUBACK), as the fake hub's own raw MQTT tests
 * connect one. Every payload starts with the message's index (4 bytes), so the device counts distinct
 * messages, notices duplicates and frees one slot of its sender's window per new message.
 */
final class BenchDevice implements AutoCloseable {

    /** One arrival, for the sequential (latency) mode. */
    record Arrival(int index, long nanos) {
    }

    final String id;
    private final Mqtt3BlockingClient client;
    private final int windowSize;
    private final Semaphore window;
    private final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger received = new AtomicInteger();
    private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private volatile boolean recordArrivals;
    private volatile long lastArrivalNanos;

    private BenchDevice(String id, Mqtt3ClientBuilder builder, int windowSize) {
        this.id = id;
        this.windowSize = windowSize;
        this.window = new Semaphore(windowSize);
        this.client = builder.buildBlocking();
        // Registered before connect, so nothing can arrive without a flow (HiveMQ would ack it unseen).
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL, this::onPublish);
    }

    /** A device of a plain broker that accepts anyone (the raw Moquette baseline). */
    static BenchDevice anonymous(String host, int port, TrustManagerFactory trust, String id, int window) {
        return new BenchDevice(id, Mqtt3Client.builder().identifier(id).serverHost(host).serverPort(port)
                .sslConfig().trustManagerFactory(trust).applySslConfig(), window).connectAndSubscribe();
    }

    /** A device of the fake hub: IoT Hub's user name and a device SAS token as password. */
    static BenchDevice of(FakeIotHub hub, DeviceIdentity device, int window) {
        String id = device.deviceId();
        String sas = SasToken.create(hub.host() + "/devices/" + id, null, device.primaryKey(),
                Instant.now().plus(Duration.ofHours(1)));
        return new BenchDevice(id, Mqtt3Client.builder().identifier(id).serverHost(hub.host())
                .serverPort(hub.mqttsPort())
                .sslConfig().trustManagerFactory(hub.trust().trustManagerFactory()).applySslConfig()
                .simpleAuth().username(hub.host() + "/" + id + "/?api-version=2021-04-12")
                .password(sas.getBytes(StandardCharsets.UTF_8)).applySimpleAuth(), window).connectAndSubscribe();
    }

    private BenchDevice connectAndSubscribe() {
        client.connectWith().cleanSession(false).keepAlive(60).send();
        client.subscribeWith().topicFilter("devices/" + id + "/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
                .send();
        return this;
    }

    private void onPublish(Mqtt3Publish publish) {
        long now = System.nanoTime();
        ByteBuffer payload = publish.getPayload().orElseThrow();
        int index = payload.getInt(payload.position());
        received.incrementAndGet();
        if (seen.add(index)) {
            window.release();
        }
        lastArrivalNanos = now;
        if (recordArrivals) {
            arrivals.add(new Arrival(index, now));
        }
    }

    /** A payload of {@code size} bytes (at least 4) that starts with {@code index}. */
    static byte[] payload(int index, int size) {
        byte[] bytes = new byte[Math.max(4, size)];
        ByteBuffer.wrap(bytes).putInt(index);
        for (int i = 4; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    /** Takes a slot of the window: at most {@code window} messages of this device are on their way. */
    boolean acquire(Duration timeout) throws InterruptedException {
        return window.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Gives a slot back without an arrival (the send failed). */
    void release() {
        window.release();
    }

    /** Waits for the arrival of message {@code index}; null on timeout. Needs {@link #recordArrivals}. */
    Arrival awaitArrival(int index, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Arrival a = arrivals.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (a == null || a.index == index) {
                return a;
            }
        }
    }

    void recordArrivals(boolean on) {
        recordArrivals = on;
        arrivals.clear();
    }

    /** Forgets what arrived and refills the window, between phases. */
    void reset() {
        seen.clear();
        received.set(0);
        arrivals.clear();
        window.drainPermits();
        window.release(windowSize);
    }

    int distinct() {
        return seen.size();
    }

    int received() {
        return received.get();
    }

    long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (RuntimeException alreadyClosed) {
            // nothing to close
        }
    }
}
