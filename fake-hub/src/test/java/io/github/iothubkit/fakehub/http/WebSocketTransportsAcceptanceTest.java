package io.github.iothubkit.fakehub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.FrontDoorHub;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real SDKs over WebSockets on port 443, through the hub's front door and its relays into the
 * MQTT (Moquette) and AMQP (vertx-proton) listeners: the device SDK's MQTT_WS (Paho's handshake) and the
 * service SDK's AMQPS_WS (proton-j's absolute-form handshake), with the registry REST on the same port.
 */
class WebSocketTransportsAcceptanceTest {

    private static final String HOST = "127.0.0.162";
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final FakeIotHubExtension HUB = FrontDoorHub.at(HOST);

    private static FakeIotHub hub() {
        return HUB.hub();
    }

    @Test
    void aDeviceOnMqttOverWebSocketsSendsTelemetryAndReceivesCloudToDevice() throws Exception {
        hub().devices().find("ws-mqtt-dev").ifPresent(d -> hub().devices().delete("ws-mqtt-dev"));
        hub().telemetry().reset();
        DeviceIdentity dev = hub().devices().create("ws-mqtt-dev");
        DeviceClient client = new DeviceClient(dev.connectionString(), IotHubClientProtocol.MQTT_WS,
                ClientOptions.builder().sslContext(hub().trust().sslContext()).build());
        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
        client.setMessageCallback((message, context) -> {
            received.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        try {
            client.open(false);
            com.microsoft.azure.sdk.iot.device.Message event = new com.microsoft.azure.sdk.iot.device.Message("{\"t\":1}");
            event.setMessageId("ws-t1");
            client.sendEvent(event);
            // Paho sends a packet as one WebSocket frame: near IoT Hub's 256 KB limit it is far above Vert.x's default
            String large = "x".repeat(250 * 1024);
            client.sendEvent(new com.microsoft.azure.sdk.iot.device.Message(large));
            List<TelemetryMessage> all = hub().telemetry().await("ws-mqtt-dev", 2, WAIT);
            TelemetryMessage got = all.get(0);
            hub().cloudToDevice().send("ws-mqtt-dev", C2dMessage.of("to the ws device").messageId("ws-c1"));
            com.microsoft.azure.sdk.iot.device.Message c2d = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(got.bodyAsString()).isEqualTo("{\"t\":1}");
            assertThat(got.messageId()).isEqualTo("ws-t1");
            assertThat(all.get(1).bodyAsString()).isEqualTo(large);
            assertThat(c2d).as("a C2D message within %s", WAIT).isNotNull();
            assertThat(new String(c2d.getBytes(), StandardCharsets.UTF_8)).isEqualTo("to the ws device");
            assertThat(hub().isConnected("ws-mqtt-dev")).isTrue();
        } finally {
            client.close();
        }
    }

    @Test
    void aHubSideDisconnectReachesTheDeviceThroughTheRelayAndTheDevicesCloseReachesTheHub() throws Exception {
        DeviceIdentity dev = hub().devices().create("ws-drop-dev");
        DeviceClient client = new DeviceClient(dev.connectionString(), IotHubClientProtocol.MQTT_WS,
                ClientOptions.builder().sslContext(hub().trust().sslContext()).build());
        List<IotHubConnectionStatus> statuses = new CopyOnWriteArrayList<>();
        client.setConnectionStatusChangeCallback(c -> statuses.add(c.getNewStatus()), null);
        try {
            client.open(false);
            assertThat(hub().disconnect("ws-drop-dev")).isTrue();

            await().atMost(WAIT).untilAsserted(() -> assertThat(statuses).containsSubsequence(
                    IotHubConnectionStatus.CONNECTED, IotHubConnectionStatus.DISCONNECTED_RETRYING,
                    IotHubConnectionStatus.CONNECTED));
            await().atMost(WAIT).until(() -> hub().isConnected("ws-drop-dev"));
        } finally {
            client.close();
        }
        await().atMost(WAIT).until(() -> !hub().isConnected("ws-drop-dev"));
    }

    @Test
    void garbageOnAnMqttWebSocketClosesOnlyThatConnection() throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        HttpClient http = HttpClient.newBuilder().sslContext(hub().trust().sslContext()).build();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("mqtt")
                .buildAsync(URI.create("wss://" + HOST + "/$iothub/websocket"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                        closed.complete(status);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket socket, Throwable error) {
                        closed.complete(-1);
                    }
                }).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        ws.sendBinary(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n not mqtt at all".getBytes(StandardCharsets.US_ASCII)), true);

        assertThat(closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the hub closes the WebSocket").isNotNull();
        aDeviceOnMqttOverWebSocketsSendsTelemetryAndReceivesCloudToDevice(); // and serves the next one
    }

    @Test
    void theServiceOnAmqpOverWebSocketsSendsCloudToDeviceAndRestSharesThePort() throws Exception {
        hub().devices().create("ws-amqp-dev");
        MessagingClient messaging = new MessagingClient(hub().serviceConnectionString(), IotHubServiceClientProtocol.AMQPS_WS,
                MessagingClientOptions.builder().sslContext(hub().trust().sslContext()).build());
        Message message = new Message("over AMQP on a WebSocket".getBytes(StandardCharsets.UTF_8));
        message.setMessageId("ws-amqp-1");
        try {
            messaging.open();
            messaging.send("ws-amqp-dev", message);
        } finally {
            messaging.close();
        }

        C2dRecord record = hub().cloudToDevice().find("ws-amqp-1").orElseThrow();
        assertThat(record.deviceId()).isEqualTo("ws-amqp-dev");
        assertThat(record.message().bodyAsString()).isEqualTo("over AMQP on a WebSocket");
        // RegistryClient has no TLS option; every hub in this JVM shares one CA, so this is safe.
        HttpsURLConnection.setDefaultSSLSocketFactory(hub().trust().sslContext().getSocketFactory());
        assertThat(new RegistryClient(hub().serviceConnectionString()).getDevice("ws-amqp-dev").getCloudToDeviceMessageCount())
                .isEqualTo(1);
    }
}
