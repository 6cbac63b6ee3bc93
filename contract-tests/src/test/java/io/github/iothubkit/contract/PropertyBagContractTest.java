package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageProperty;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import io.github.iothubkit.contract.clients.C2dSender;
import io.github.iothubkit.contract.clients.DeviceClients;
import io.github.iothubkit.contract.clients.RawMqttDevice;
import io.github.iothubkit.contract.target.HubExtension;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.TestDevice;
import io.github.iothubkit.contract.target.TestDevices;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The C2D property bag on the wire ({@code devices/{id}/messages/devicebound/{bag}}) and after the device
 * SDK parsed it. The Java SDK starts parsing at the first {@code %24} and decodes with URLDecoder, so the
 * hub must put the {@code %24}-encoded system properties first and percent-encode every reserved byte.
 */
@ExtendWith(HubExtension.class)
class PropertyBagContractTest {

    /** Only characters IoT Hub allows in C2D properties, and as many as possible that need encoding. */
    private static Map<String, String> trickyProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("prop-1", "a&b%c+d");
        p.put("$custom", "x#y!*'~");
        p.put("plain.key_2", "v^|`");
        return p;
    }

    private record Pair(String rawKey, String key, String value) {
    }

    @Test
    void putsPercentEncodedSystemPropertiesFirstAndRoundTripsApplicationProperties(HubUnderTest hub,
            TestDevices devices) throws Exception {
        TestDevice device = devices.create("bag");
        com.microsoft.azure.sdk.iot.service.messaging.Message sent = C2dSender.withProperties(
                C2dSender.message("bag-1", "{}", DeliveryAcknowledgement.Full), trickyProperties());
        sent.setCorrelationId("corr/1");
        Mqtt3Publish p;
        try (RawMqttDevice raw = RawMqttDevice.subscribed(hub, device, false);
             C2dSender sender = C2dSender.open(hub)) {
            sender.send(device.deviceId(), sent);
            p = raw.take(hub.deliveryTimeout());
        }

        String topic = p.getTopic().toString();
        String prefix = "devices/" + device.deviceId() + "/messages/devicebound/";
        assertThat(topic).startsWith(prefix + "%24.").doesNotContain("+", "#", "$");
        assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        List<Pair> bag = parse(topic.substring(prefix.length()));

        int lastSystem = -1;
        int firstOther = bag.size();
        for (int i = 0; i < bag.size(); i++) {
            if (bag.get(i).rawKey().startsWith("%24.")) {
                lastSystem = i;
            } else {
                firstOther = Math.min(firstOther, i);
            }
        }
        assertThat(lastSystem).as("system properties come first: %s", topic).isLessThan(firstOther);
        Map<String, String> decoded = new LinkedHashMap<>();
        bag.forEach(pair -> decoded.put(pair.key(), pair.value()));
        assertThat(decoded).containsEntry("$.mid", "bag-1").containsEntry("$.cid", "corr/1")
                .containsEntry("iothub-ack", "full");
        assertThat(decoded.get("$.to")).isEqualToIgnoringCase("/devices/" + device.deviceId() + "/messages/devicebound");
        Map<String, String> application = new LinkedHashMap<>(decoded);
        application.keySet().removeIf(k -> k.startsWith("$.") || k.equals("iothub-ack"));
        assertThat(application).isEqualTo(trickyProperties());
        assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void theDeviceSdkSeesTheSameIdsAndApplicationProperties(HubUnderTest hub, TestDevices devices) throws Exception {
        TestDevice device = devices.create("bag-sdk");
        com.microsoft.azure.sdk.iot.service.messaging.Message sent = C2dSender.withProperties(
                C2dSender.message("bag-2", "hello", DeliveryAcknowledgement.None), trickyProperties());
        sent.setCorrelationId("corr-2");
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        DeviceClient client = DeviceClients.mqtt(hub, device);
        client.setMessageCallback((message, context) -> {
            received.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        try (C2dSender sender = C2dSender.open(hub)) {
            client.open(false);
            sender.send(device.deviceId(), sent);
            Message m = received.poll(hub.deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
            assertThat(m).as("message within %s", hub.deliveryTimeout()).isNotNull();
            assertThat(m.getMessageId()).isEqualTo("bag-2");
            assertThat(m.getCorrelationId()).isEqualTo("corr-2");
            assertThat(new String(m.getBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
            Map<String, String> properties = new LinkedHashMap<>();
            for (MessageProperty property : m.getProperties()) {
                properties.put(property.getName(), property.getValue());
            }
            // The SDK also surfaces hub-added system keys it does not know ($.ctime...): only ours must match.
            assertThat(properties).containsAllEntriesOf(trickyProperties());
        } finally {
            client.close();
        }
    }

    /** Splits as the Java SDK does (on & then =), decoding as it does (URLDecoder, UTF-8). */
    private static List<Pair> parse(String bag) {
        List<Pair> pairs = new ArrayList<>();
        for (String part : bag.split("&")) {
            int eq = part.indexOf('=');
            assertThat(eq).as("every property has a value ('%s'): a valueless key breaks the Java SDK", part)
                    .isPositive();
            String rawKey = part.substring(0, eq);
            pairs.add(new Pair(rawKey, URLDecoder.decode(rawKey, StandardCharsets.UTF_8),
                    URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8)));
        }
        return pairs;
    }
}
