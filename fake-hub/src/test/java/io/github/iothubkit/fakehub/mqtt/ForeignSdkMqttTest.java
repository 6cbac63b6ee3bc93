package io.github.iothubkit.fakehub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the Python ({@code azure-iot-device} 2.14) and Node.js ({@code azure-iot-device-mqtt} 1.16) device SDKs
 * put on the wire, copied from their debug logs and replayed by a raw client, so the Java suite keeps the
 * hub taking it without Python or Node installed ({@code conformance/} runs the SDKs themselves).
 */
class ForeignSdkMqttTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Started once for the class and reset before each test. */
    @RegisterExtension
    static final FakeIotHubExtension HUB = FakeIotHubExtension.newInstance().build();

    private static FakeIotHub hub() {
        return HUB.hub();
    }

    /**
     * The username is not read (IoT Hub authenticates the password), so every SDK's form is accepted: Python's
     * older api-version with its urlencoded user agent, Python's PnP form (model-id encoded, last) and Node's
     * (model-id not encoded, before the user agent).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "{host}/{id}/?api-version=2019-10-01&DeviceClientType=azure-iot-device-python%2F2.14.0%3B%28native%3B%20Linux%3B%20x86_64%29",
        "{host}/{id}/?api-version=2020-09-30&DeviceClientType=azure-iot-device-python%2F2.14.0&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1",
        "{host}/{id}/?api-version=2021-04-12&model-id=dtmi:com:example:Thermostat;1"
                + "&DeviceClientType=azure-iot-device%2F1.18.4%20(node%20v20.20.2%3B%20Debian%2012%3B%20x64)"})
    void pythonAndNodeConnectUsernamesAreAccepted(String usernameTemplate) {
        DeviceIdentity device = hub().devices().create("foreign-user-" + Math.abs(usernameTemplate.hashCode()));
        Mqtt3BlockingClient client = client(device, usernameTemplate);
        try {
            assertThat(client.connectWith().cleanSession(false).send().getReturnCode())
                    .isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
            await().atMost(WAIT).until(() -> hub().isConnected(device.deviceId()));
        } finally {
            client.disconnect();
        }
    }

    /** Both SDKs percent-encode every key and value of the property bag, the {@code $} of system keys too. */
    @Test
    void telemetryWithEveryKeyAndValuePercentEncodedIsRecordedExactly() {
        DeviceIdentity device = hub().devices().create("foreign-telemetry");
        String events = "devices/foreign-telemetry/messages/events/";
        List<String> topics = List.of(
                // Python: system properties first, application properties sorted
                events + "%24.mid=py-1&%24.cid=py-c&%24.ct=application%2Fjson&%24.ce=utf-8"
                        + "&note=a%26b%3Dc%2Fd%20%C3%BC%2520&temperatureAlert=false",
                // Node: system properties first, application properties in insertion order
                events + "%24.mid=node-1&%24.cid=node-c&%24.ct=application%2Fjson&%24.ce=utf-8"
                        + "&temperatureAlert=false&note=a%26b%3Dc%2Fd%20%C3%BC%2520");
        Mqtt3BlockingClient client = client(device, "{host}/{id}/?api-version=2021-04-12");
        try {
            client.connectWith().cleanSession(false).send();
            for (String topic : topics) {
                client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                        .payload("{\"t\":\"°C\"}".getBytes(StandardCharsets.UTF_8)).send(); // returns on PUBACK
            }
        } finally {
            client.disconnect();
        }

        List<TelemetryMessage> recorded = hub().telemetry().await("foreign-telemetry", 2, WAIT);
        assertThat(recorded).extracting(TelemetryMessage::messageId).containsExactly("py-1", "node-1");
        assertThat(recorded).extracting(TelemetryMessage::correlationId).containsExactly("py-c", "node-c");
        for (TelemetryMessage m : recorded) {
            assertThat(m.contentType()).isEqualTo("application/json");
            assertThat(m.contentEncoding()).isEqualTo("utf-8");
            assertThat(m.properties()).isEqualTo(Map.of("temperatureAlert", "false", "note", "a&b=c/d ü%20"));
            assertThat(m.bodyAsString()).isEqualTo("{\"t\":\"°C\"}");
        }
    }

    private static Mqtt3BlockingClient client(DeviceIdentity device, String usernameTemplate) {
        String username = usernameTemplate.replace("{host}", hub().host()).replace("{id}", device.deviceId());
        return Mqtt3Client.builder().identifier(device.deviceId()).serverHost(hub().host()).serverPort(hub().mqttsPort())
                .sslConfig().trustManagerFactory(hub().trust().trustManagerFactory()).applySslConfig()
                .simpleAuth().username(username)
                .password(RawDevice.password(hub().host(), device.deviceId(), device.primaryKey())
                        .getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildBlocking();
    }
}
