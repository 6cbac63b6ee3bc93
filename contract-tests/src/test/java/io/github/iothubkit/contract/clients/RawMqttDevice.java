package io.github.iothubkit.contract.clients;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.Sas;
import io.github.iothubkit.contract.target.TestDevice;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device without an SDK (HiveMQ MQTT 3.1.1 client) connected as IoT Hub documents it: TLS on 8883,
 * client id = device id, username {@code {host}/{id}/?api-version=2021-04-12}, a SAS token as password,
 * persistent session. Shows the wire details the Azure SDK hides; HiveMQ does hide the DUP flag.
 */
public final class RawMqttDevice implements AutoCloseable {

    private final Mqtt3BlockingClient client;
    private final BlockingQueue<Mqtt3Publish> received = new LinkedBlockingQueue<>();
    private final CountDownLatch disconnected = new CountDownLatch(1);
    private final String deviceId;

    private RawMqttDevice(HubUnderTest hub, String deviceId, String key, boolean manualAck) {
        this.deviceId = deviceId;
        MqttClientSslConfigBuilder tls = MqttClientSslConfig.builder();
        if (hub.trustManagerFactory() != null) {
            tls = tls.trustManagerFactory(hub.trustManagerFactory());
        }
        this.client = Mqtt3Client.builder().identifier(deviceId).serverHost(hub.hostName()).serverPort(8883)
                .sslConfig(tls.build())
                .simpleAuth().username(hub.hostName() + "/" + deviceId + "/?api-version=2021-04-12")
                .password(Sas.deviceToken(hub.hostName(), deviceId, key).getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .addDisconnectedListener(context -> disconnected.countDown())
                .buildBlocking();
        // Before connect, so that messages of a persistent session have somewhere to go (else HiveMQ acks them).
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL, received::add, manualAck);
    }

    /** A client for the device, not yet connected; {@code manualAck} holds PUBACKs until {@code acknowledge()}. */
    public static RawMqttDevice of(HubUnderTest hub, TestDevice device, boolean manualAck) {
        return new RawMqttDevice(hub, device.deviceId(), device.primaryKey(), manualAck);
    }

    /** A client that signs with another key than the device's. */
    public static RawMqttDevice withKey(HubUnderTest hub, String deviceId, String key) {
        return new RawMqttDevice(hub, deviceId, key, false);
    }

    /** Connected, with the C2D subscription: what a device does first. */
    public static RawMqttDevice subscribed(HubUnderTest hub, TestDevice device, boolean manualAck) {
        RawMqttDevice raw = of(hub, device, manualAck);
        raw.connect();
        raw.subscribeC2d();
        return raw;
    }

    /** CONNECT with cleanSession=0, as the device SDK does; throws {@code Mqtt3ConnAckException} if refused. */
    public Mqtt3ConnAck connect() {
        return client.connectWith().cleanSession(false).keepAlive(60).send();
    }

    public void subscribeC2d() {
        client.subscribeWith().topicFilter("devices/" + deviceId + "/messages/devicebound/#").qos(MqttQos.AT_LEAST_ONCE)
                .send();
    }

    /** The blocking HiveMQ client, for what a test sends on its own. */
    public Mqtt3BlockingClient client() {
        return client;
    }

    public String deviceId() {
        return deviceId;
    }

    /** The next C2D message, or an AssertionError naming the device after {@code timeout}. */
    public Mqtt3Publish take(Duration timeout) throws InterruptedException {
        Mqtt3Publish p = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (p == null) {
            throw new AssertionError("no C2D message reached raw device '" + deviceId + "' within " + timeout);
        }
        return p;
    }

    /** Messages received and not taken yet. */
    public BlockingQueue<Mqtt3Publish> received() {
        return received;
    }

    /** Whether the connection was closed (by the hub) within {@code timeout}. */
    public boolean awaitDisconnected(Duration timeout) throws InterruptedException {
        return disconnected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isConnected() {
        return client.getState().isConnected();
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (RuntimeException alreadyClosed) {
            // closed by the hub, or never connected
        }
    }
}
