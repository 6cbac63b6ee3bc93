package io.github.iothubkit.contract.clients;

import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.Sas;
import io.github.iothubkit.contract.target.TestDevice;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A raw device on Paho 1.2.5 (the MQTT client inside the device SDK) with manual acknowledgement: unlike
 * HiveMQ it shows the DUP flag and lets a test hold a PUBACK back and then drop the connection.
 */
public final class PahoDevice implements AutoCloseable {

    /** One C2D PUBLISH as it arrived. */
    public record Received(String topic, boolean duplicate, int packetId, byte[] payload) {
    }

    private final MqttAsyncClient client;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final String deviceId;

    private PahoDevice(MqttAsyncClient client, String deviceId) {
        this.client = client;
        this.deviceId = deviceId;
    }

    /** Connects with cleanSession=0 and subscribes to the device's C2D topic; nothing is acknowledged by itself. */
    public static PahoDevice connect(HubUnderTest hub, TestDevice device) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient("ssl://" + hub.hostName() + ":8883", device.deviceId(),
                new MemoryPersistence());
        client.setManualAcks(true);
        PahoDevice paho = new PahoDevice(client, device.deviceId());
        // A client-wide callback, set before connect: a persistent session may deliver before SUBSCRIBE returns.
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                paho.received.add(new Received(topic, message.isDuplicate(), message.getId(), message.getPayload()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(false);
        options.setUserName(hub.hostName() + "/" + device.deviceId() + "/?api-version=2021-04-12");
        options.setPassword(Sas.deviceToken(hub.hostName(), device.deviceId(), device.primaryKey()).toCharArray());
        SSLContext trust = hub.sslContext();
        if (trust != null) {
            options.setSocketFactory(trust.getSocketFactory());
        }
        long wait = hub.connectionTimeout().toMillis();
        client.connect(options).waitForCompletion(wait);
        client.subscribe("devices/" + device.deviceId() + "/messages/devicebound/#", 1).waitForCompletion(wait);
        return paho;
    }

    /** The next C2D message, or an AssertionError after {@code timeout}. */
    public Received take(Duration timeout) throws InterruptedException {
        Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no C2D message reached Paho device '" + deviceId + "' within " + timeout);
        }
        return r;
    }

    /** Sends the PUBACK for a message: over MQTT, that completes it. */
    public void acknowledge(Received message) throws MqttException {
        client.messageArrivedComplete(message.packetId(), 1);
    }

    /** Drops the TCP connection without DISCONNECT, as a crash or a network loss would; unacked messages stay. */
    public void dropConnection() throws MqttException {
        client.disconnectForcibly(0, 1000, false);
        client.close(true);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, true);
            }
            client.close(true);
        } catch (MqttException ignored) {
            // already closed
        }
    }
}
