package io.github.iothubkit.fakehub.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device without an SDK, connected the way IoT Hub documents it (HiveMQ client, TLS, SAS password):
 * shows the wire details the Azure SDK hides.
 */
final class RawDevice implements AutoCloseable {

    final Mqtt3BlockingClient client;
    final BlockingQueue<Mqtt3Publish> received = new LinkedBlockingQueue<>();
    final CountDownLatch disconnected;

    private RawDevice(Mqtt3BlockingClient client, CountDownLatch disconnected) {
        this.client = client;
        this.disconnected = disconnected;
    }

    static String password(String host, String deviceId, String key) {
        return SasToken.create(host + "/devices/" + deviceId, null, key, Instant.now().plus(Duration.ofHours(1)));
    }

    /** Builds a client for the device; call {@link #connect} to connect. */
    static RawDevice of(FakeIotHub hub, String deviceId, String key, boolean manualAck) {
        CountDownLatch disconnected = new CountDownLatch(1);
        Mqtt3BlockingClient client = Mqtt3Client.builder().identifier(deviceId).serverHost(hub.host())
                .serverPort(hub.mqttsPort())
                .sslConfig().trustManagerFactory(hub.trust().trustManagerFactory()).applySslConfig()
                .simpleAuth().username(hub.host() + "/" + deviceId + "/?api-version=2021-04-12")
                .password(password(hub.host(), deviceId, key).getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .addDisconnectedListener(context -> disconnected.countDown())
                .buildBlocking();
        RawDevice device = new RawDevice(client, disconnected);
        // Registered before connect, so that queued messages have a flow to go to (else HiveMQ acks them).
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL, device.received::add, manualAck);
        return device;
    }

    static RawDevice connected(FakeIotHub hub, DeviceIdentity device, boolean manualAck) {
        RawDevice raw = of(hub, device.deviceId(), device.primaryKey(), manualAck);
        raw.connect();
        return raw;
    }

    Mqtt3ConnAck connect() {
        return client.connectWith().cleanSession(false).keepAlive(30).send();
    }

    /**
     * Subscribes to the device's C2D topic and waits for the SUBACK, at most 15 s: HiveMQ's blocking
     * subscribe would wait forever if the connection closed under it (it keeps a persistent session's
     * pending SUBSCRIBE for the next connection).
     */
    void subscribeC2d(String deviceId) {
        try {
            client.toAsync().subscribeWith().topicFilter("devices/" + deviceId + "/messages/devicebound/#")
                    .qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE).send().get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no SUBACK for devices/" + deviceId + "/messages/devicebound/# within 15 s"
                    + " (connected: " + client.getState() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while subscribing", e);
        }
    }

    /** Waits until the hub closed the connection. */
    boolean awaitDisconnected() throws InterruptedException {
        return disconnected.await(15, TimeUnit.SECONDS);
    }

    Mqtt3Publish take() throws InterruptedException {
        Mqtt3Publish p = received.poll(15, TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("no C2D message arrived within 15 s");
        }
        return p;
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (com.hivemq.client.mqtt.exceptions.MqttClientStateException alreadyClosedByTheHub) {
            // nothing to close
        }
    }
}
