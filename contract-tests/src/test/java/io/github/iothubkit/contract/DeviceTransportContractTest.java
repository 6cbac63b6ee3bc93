package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageProperty;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import io.github.iothubkit.contract.clients.C2dSender;
import io.github.iothubkit.contract.clients.FeedbackCollector;
import io.github.iothubkit.contract.target.HubExtension;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.TestDevice;
import io.github.iothubkit.contract.target.TestDevices;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The device scenarios on every transport the Java device SDK offers: MQTT (8883), AMQPS (5671), and both
 * over WebSockets on 443. The same application code must see the same hub whichever it picks.
 */
@ExtendWith(HubExtension.class)
class DeviceTransportContractTest {

    private static DeviceClient client(HubUnderTest hub, String connectionString, IotHubClientProtocol transport)
            throws Exception {
        ClientOptions.ClientOptionsBuilder options = ClientOptions.builder();
        if (hub.sslContext() != null) {
            options.sslContext(hub.sslContext());
        }
        return new DeviceClient(connectionString, transport, options.build());
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void telemetryIsAcknowledgedAndC2dArrivesWithItsPropertiesAndCompletesWithSuccessFeedback(
            IotHubClientProtocol transport, HubUnderTest hub, TestDevices devices) throws Exception {
        TestDevice device = devices.create("transport");
        DeviceClient client = client(hub, device.connectionString(), transport);
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        client.setMessageCallback((message, context) -> {
            received.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        com.microsoft.azure.sdk.iot.service.messaging.Message sent = C2dSender.withProperties(
                C2dSender.message("tr-" + transport, "hello " + transport, DeliveryAcknowledgement.Full),
                Map.of("color", "blue", "count", "3"));
        sent.setCorrelationId("corr-" + transport);
        try (FeedbackCollector feedback = FeedbackCollector.start(hub, device.deviceId());
             C2dSender sender = C2dSender.open(hub)) {
            client.open(false);
            Message event = new Message("{\"t\":1}");
            event.setMessageId("ev-" + transport);
            event.setProperty("alert", "high");
            CompletableFuture<IotHubStatusCode> sentEvent = new CompletableFuture<>();
            client.sendEventAsync(event, (m, e, ctx) -> sentEvent.complete(e == null ? IotHubStatusCode.OK
                    : e.getStatusCode()), null);
            sender.send(device.deviceId(), sent);
            Message m = received.poll(hub.deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);

            assertThat(sentEvent.get(hub.deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(IotHubStatusCode.OK);
            assertThat(m).as("C2D within %s", hub.deliveryTimeout()).isNotNull();
            assertThat(m.getMessageId()).isEqualTo("tr-" + transport);
            assertThat(m.getCorrelationId()).isEqualTo("corr-" + transport);
            assertThat(new String(m.getBytes(), StandardCharsets.UTF_8)).isEqualTo("hello " + transport);
            Map<String, String> properties = new LinkedHashMap<>();
            for (MessageProperty p : m.getProperties()) {
                properties.put(p.getName(), p.getValue());
            }
            assertThat(properties).containsEntry("color", "blue").containsEntry("count", "3");
            assertThat(feedback.await("tr-" + transport, hub.feedbackTimeout()).statusCode())
                    .isEqualTo(FeedbackStatusCode.success);
        } finally {
            client.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void aRejectedMessageIsNotRedeliveredAndGetsRejectedFeedback(IotHubClientProtocol transport, HubUnderTest hub,
            TestDevices devices) throws Exception {
        TestDevice device = devices.create("reject");
        DeviceClient client = client(hub, device.connectionString(), transport);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        client.setMessageCallback((message, context) -> {
            received.add(message.getMessageId());
            return "rej".equals(new String(message.getBytes(), StandardCharsets.UTF_8))
                    ? IotHubMessageResult.REJECT : IotHubMessageResult.COMPLETE;
        }, null);
        try (FeedbackCollector feedback = FeedbackCollector.start(hub, device.deviceId());
             C2dSender sender = C2dSender.open(hub)) {
            client.open(false);
            sender.send(device.deviceId(), C2dSender.message("rj-" + transport, "rej", DeliveryAcknowledgement.Full));
            assertThat(feedback.await("rj-" + transport, hub.feedbackTimeout()).statusCode())
                    .isEqualTo(FeedbackStatusCode.rejected);
            sender.send(device.deviceId(), C2dSender.message("ok-" + transport, "ok", DeliveryAcknowledgement.Full));
            assertThat(feedback.await("ok-" + transport, hub.feedbackTimeout()).statusCode())
                    .isEqualTo(FeedbackStatusCode.success);
            assertThat(received).containsExactly("rj-" + transport, "ok-" + transport);
        } finally {
            client.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void aWrongKeyIsRefused(IotHubClientProtocol transport, HubUnderTest hub, TestDevices devices) throws Exception {
        TestDevice device = devices.create("wrong-key");
        String wrong = device.connectionString().replaceFirst("SharedAccessKey=[^;]+",
                "SharedAccessKey=" + Base64.getEncoder().encodeToString(new byte[32]));
        DeviceClient client = client(hub, wrong, transport);
        try {
            assertThatThrownBy(() -> client.open(false)).isInstanceOf(Exception.class);
        } finally {
            client.close();
        }
    }
}
