package io.github.iothubkit.fakehub.fault;

import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
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

/** A raw MQTT device (HiveMQ, manual PUBACKs) for fault tests that need to see the wire. */
final class MqttTestDevice implements AutoCloseable {

    final Mqtt3BlockingClient client;
    final BlockingQueue<Mqtt3Publish> received = new LinkedBlockingQueue<>();
    private volatile CountDownLatch disconnected = new CountDownLatch(1);
    private final String deviceId;

    MqttTestDevice(FakeIotHub hub, DeviceIdentity device) {
        this.deviceId = device.deviceId();
        String password = SasToken.create(hub.host() + "/devices/" + deviceId, null, device.primaryKey(),
                Instant.now().plus(Duration.ofHours(1)));
        client = Mqtt3Client.builder().identifier(deviceId).serverHost(hub.host()).serverPort(hub.mqttsPort())
                .sslConfig().trustManagerFactory(hub.trust().trustManagerFactory()).applySslConfig()
                .simpleAuth().username(hub.host() + "/" + deviceId + "/?api-version=2021-04-12")
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .addDisconnectedListener(c -> disconnected.countDown())
                .buildBlocking();
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL, received::add, true);
    }

    MqttTestDevice connect() {
        // the disconnected listener fires a moment before the client state says so
        await().atMost(Duration.ofSeconds(10)).until(() -> client.getState() == MqttClientState.DISCONNECTED);
        disconnected = new CountDownLatch(1);
        client.connectWith().cleanSession(false).keepAlive(30).send();
        return this;
    }

    MqttTestDevice subscribe() {
        client.subscribeWith().topicFilter("devices/" + deviceId + "/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
                .send();
        return this;
    }

    /** Publishes telemetry at QoS 1 and returns once the hub acknowledged it. */
    void sendTelemetry(String propertyBag) {
        client.publishWith().topic("devices/" + deviceId + "/messages/events/" + propertyBag).qos(MqttQos.AT_LEAST_ONCE)
                .payload("{}".getBytes(StandardCharsets.UTF_8)).send();
    }

    Mqtt3Publish take(Duration timeout) throws InterruptedException {
        Mqtt3Publish p = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (p == null) {
            throw new AssertionError("no C2D message reached device '" + deviceId + "' within " + timeout);
        }
        return p;
    }

    void awaitDisconnected(Duration timeout) throws InterruptedException {
        if (!disconnected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the hub did not close the connection of '" + deviceId + "' within " + timeout);
        }
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (RuntimeException alreadyClosed) {
            // closed by the hub
        }
    }
}
