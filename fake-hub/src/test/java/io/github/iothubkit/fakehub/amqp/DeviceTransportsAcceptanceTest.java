package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.transport.NoRetry;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.FrontDoorHub;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.c2d.FeedbackRecord;
import io.github.iothubkit.fakehub.c2d.FeedbackStatus;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real Java device SDK over AMQPS (5671), AMQPS_WS and MQTT_WS (443, through the front door): the same
 * semantics as over MQTT, with AMQP's settlements mapped onto IoT Hub's complete, reject and abandon.
 */
class DeviceTransportsAcceptanceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final FakeIotHubExtension HUB = FrontDoorHub.at("127.0.0.215");

    private static FakeIotHub hub() {
        return HUB.hub();
    }

    private static DeviceClient client(DeviceIdentity dev, IotHubClientProtocol protocol) throws Exception {
        return client(dev.connectionString(), protocol);
    }

    private static DeviceClient client(String connectionString, IotHubClientProtocol protocol) throws Exception {
        return new DeviceClient(connectionString, protocol,
                ClientOptions.builder().sslContext(hub().trust().sslContext()).build());
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS", "MQTT_WS"})
    void tutorialRoundTripWithEveryProperty(IotHubClientProtocol protocol) throws Exception {
        DeviceIdentity dev = hub().devices().create("tutorial-" + protocol);
        DeviceClient client = client(dev, protocol);
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        client.setMessageCallback((message, context) -> {
            received.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        try {
            client.open(false);
            Message event = new Message("{\"temperature\":21.5}");
            event.setMessageId("t-" + protocol);
            event.setCorrelationId("corr-1");
            event.setContentType("application/json");
            event.setContentEncoding("utf-8");
            event.setProperty("alert", "high");
            event.setProperty("unit", "celsius");
            client.sendEvent(event);
            TelemetryMessage got = hub().telemetry().await(dev.deviceId(), 1, WAIT).get(0);

            hub().cloudToDevice().send(dev.deviceId(), C2dMessage.of("to the device").messageId("c-" + protocol)
                    .correlationId("c-corr").contentType("text/plain").contentEncoding("utf-8").ack(AckMode.FULL)
                    .property("color", "blue").property("count", "3"));
            Message c2d = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            C2dRecord done = hub().cloudToDevice().awaitOutcome("c-" + protocol, C2dOutcome.COMPLETED, WAIT);
            FeedbackRecord feedback = hub().feedback().await("c-" + protocol, FeedbackStatus.SUCCESS, WAIT);

            assertThat(got.bodyAsString()).isEqualTo("{\"temperature\":21.5}");
            assertThat(got.messageId()).isEqualTo("t-" + protocol);
            assertThat(got.correlationId()).isEqualTo("corr-1");
            assertThat(got.contentType()).isEqualTo("application/json");
            assertThat(got.contentEncoding()).isEqualTo("utf-8");
            assertThat(got.properties()).containsEntry("alert", "high").containsEntry("unit", "celsius");
            assertThat(c2d).as("a C2D message within %s", WAIT).isNotNull();
            assertThat(new String(c2d.getBytes(), StandardCharsets.UTF_8)).isEqualTo("to the device");
            assertThat(c2d.getMessageId()).isEqualTo("c-" + protocol);
            assertThat(c2d.getCorrelationId()).isEqualTo("c-corr");
            assertThat(c2d.getContentType()).isEqualTo("text/plain");
            assertThat(c2d.getContentEncoding()).isEqualTo("utf-8");
            assertThat(c2d.getProperty("color")).isEqualTo("blue");
            assertThat(c2d.getProperty("count")).isEqualTo("3");
            assertThat(done.deliveryCount()).isEqualTo(1);
            assertThat(feedback.deviceId()).isEqualTo(dev.deviceId());
            assertThat(hub().isConnected(dev.deviceId())).isTrue();
            HttpsURLConnection.setDefaultSSLSocketFactory(hub().trust().sslContext().getSocketFactory());
            assertThat(new RegistryClient(hub().serviceConnectionString()).getDevice(dev.deviceId()).getConnectionState()
                    .toString()).isEqualToIgnoringCase("Connected");
        } finally {
            client.close();
        }
        await().atMost(WAIT).until(() -> !hub().isConnected(dev.deviceId()));
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void messagesQueuedWhileOfflineAreDeliveredInOrderOnConnect(IotHubClientProtocol protocol) throws Exception {
        DeviceIdentity dev = hub().devices().create("offline-" + protocol);
        for (int i = 1; i <= 3; i++) {
            hub().cloudToDevice().send(dev.deviceId(), C2dMessage.of("m" + i).messageId("off-" + protocol + "-" + i));
        }
        DeviceClient client = client(dev, protocol);
        List<String> bodies = new CopyOnWriteArrayList<>();
        client.setMessageCallback((message, context) -> {
            bodies.add(new String(message.getBytes(), StandardCharsets.UTF_8));
            return IotHubMessageResult.COMPLETE;
        }, null);
        try {
            client.open(false);
            await().atMost(WAIT).untilAsserted(() -> assertThat(bodies).containsExactly("m1", "m2", "m3"));
            for (int i = 1; i <= 3; i++) {
                hub().cloudToDevice().awaitOutcome("off-" + protocol + "-" + i, C2dOutcome.COMPLETED, WAIT);
            }
        } finally {
            client.close();
        }
    }

    @Test
    void rejectOverAmqpDeadLettersAtOnceWithRejectedFeedback() throws Exception {
        DeviceIdentity dev = hub().devices().create("rejecting");
        DeviceClient client = client(dev, IotHubClientProtocol.AMQPS);
        AtomicInteger calls = new AtomicInteger();
        client.setMessageCallback((message, context) -> {
            calls.incrementAndGet();
            return IotHubMessageResult.REJECT;
        }, null);
        try {
            client.open(false);
            hub().cloudToDevice().send(dev.deviceId(), C2dMessage.of("no thanks").messageId("rej-1").ack(AckMode.FULL));
            C2dRecord record = hub().cloudToDevice().awaitOutcome("rej-1", C2dOutcome.REJECTED, WAIT);
            FeedbackRecord feedback = hub().feedback().await("rej-1", FeedbackStatus.REJECTED, WAIT);
            hub().cloudToDevice().send(dev.deviceId(), C2dMessage.of("next").messageId("rej-2"));
            hub().cloudToDevice().awaitOutcome("rej-2", C2dOutcome.REJECTED, WAIT);

            assertThat(record.deliveryCount()).isEqualTo(1);
            assertThat(record.outcomes()).containsExactly(C2dOutcome.ENQUEUED, C2dOutcome.DELIVERED,
                    C2dOutcome.REJECTED);
            assertThat(feedback.deviceId()).isEqualTo("rejecting");
            assertThat(calls.get()).as("rej-1 is never redelivered").isEqualTo(2);
        } finally {
            client.close();
        }
    }

    @Test
    void abandonOverAmqpRedeliversAndDeadLettersAtTheMaxDeliveryCount() throws Exception {
        DeviceIdentity dev = hub().devices().create("abandoning");
        DeviceClient client = client(dev, IotHubClientProtocol.AMQPS);
        AtomicInteger calls = new AtomicInteger();
        client.setMessageCallback((message, context) -> {
            int n = calls.incrementAndGet();
            return "once".equals(new String(message.getBytes(), StandardCharsets.UTF_8)) && n > 1
                    ? IotHubMessageResult.COMPLETE : IotHubMessageResult.ABANDON;
        }, null);
        try {
            client.open(false);
            hub().cloudToDevice().send(dev.deviceId(), C2dMessage.of("once").messageId("ab-1").ack(AckMode.FULL));
            C2dRecord second = hub().cloudToDevice().awaitOutcome("ab-1", C2dOutcome.COMPLETED, WAIT);
            hub().cloudToDevice().send(dev.deviceId(), C2dMessage.of("always").messageId("ab-2").ack(AckMode.FULL));
            C2dRecord dead = hub().cloudToDevice().awaitOutcome("ab-2", C2dOutcome.DEAD_LETTERED, WAIT);
            FeedbackRecord feedback = hub().feedback().await("ab-2", FeedbackStatus.DELIVERY_COUNT_EXCEEDED, WAIT);

            assertThat(second.deliveryCount()).isEqualTo(2);
            assertThat(second.outcomes()).containsExactly(C2dOutcome.ENQUEUED, C2dOutcome.DELIVERED,
                    C2dOutcome.ENQUEUED, C2dOutcome.DELIVERED, C2dOutcome.COMPLETED);
            assertThat(dead.deliveryCount()).isEqualTo(10);
            assertThat(feedback.deviceId()).isEqualTo("abandoning");
        } finally {
            client.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS", "MQTT_WS"})
    void badCredentialsAreRefused(IotHubClientProtocol protocol) throws Exception {
        DeviceIdentity dev = hub().devices().create("badkey-" + protocol);
        String wrongKey = dev.connectionString().replaceFirst("SharedAccessKey=[^;]+",
                "SharedAccessKey=" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        DeviceClient client = client(wrongKey, protocol);
        try {
            assertThatThrownBy(() -> client.open(false)).isInstanceOf(Exception.class);
            assertThat(hub().isConnected(dev.deviceId())).isFalse();
        } finally {
            client.close();
        }
    }

    @Test
    void anAmqpConnectionTakesOverTheDevicesMqttConnection() throws Exception {
        takeover(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS);
    }

    @Test
    void anMqttConnectionTakesOverTheDevicesAmqpConnection() throws Exception {
        takeover(IotHubClientProtocol.AMQPS_WS, IotHubClientProtocol.MQTT_WS);
    }

    /** The older client does not retry: its retries would take the session back, as on the real hub. */
    private void takeover(IotHubClientProtocol older, IotHubClientProtocol newer) throws Exception {
        DeviceIdentity dev = hub().devices().create("switcher-" + older + "-" + newer);
        DeviceClient first = client(dev, older);
        first.setRetryPolicy(new NoRetry());
        List<IotHubConnectionStatus> statuses = new CopyOnWriteArrayList<>();
        first.setConnectionStatusChangeCallback(c -> statuses.add(c.getNewStatus()), null);
        DeviceClient second = client(dev, newer);
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        second.setMessageCallback((message, context) -> {
            received.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        try {
            first.open(false);
            second.open(false);
            await().atMost(WAIT).untilAsserted(() -> assertThat(statuses).containsSubsequence(
                    IotHubConnectionStatus.CONNECTED, IotHubConnectionStatus.DISCONNECTED));
            second.sendEvent(new Message("after the takeover"));
            hub().telemetry().awaitMatching(dev.deviceId(), t -> t.bodyAsString().equals("after the takeover"), WAIT);
            hub().cloudToDevice().send(dev.deviceId(), C2dMessage.of("to the newer session").messageId("sw-" + newer));

            Message c2d = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(c2d).as("a C2D message within %s", WAIT).isNotNull();
            assertThat(new String(c2d.getBytes(), StandardCharsets.UTF_8)).isEqualTo("to the newer session");
            assertThat(hub().isConnected(dev.deviceId())).isTrue();
        } finally {
            first.close();
            second.close();
        }
    }
}
