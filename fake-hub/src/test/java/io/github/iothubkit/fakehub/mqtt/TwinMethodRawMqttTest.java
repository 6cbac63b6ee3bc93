package io.github.iothubkit.fakehub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.method.MethodException;
import io.github.iothubkit.fakehub.method.MethodRequest;
import io.github.iothubkit.fakehub.method.MethodResult;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The twin and method topics byte for byte, as a raw MQTT client sees them: $rid, status codes, $version, QoS. */
class TwinMethodRawMqttTest {

    private static FakeIotHub hub;
    private DeviceIdentity dev;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().autoHost().mqttPort(0).amqpPort(0).clock(HubClock.manual()).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @BeforeEach
    void device() {
        hub.reset();
        dev = hub.devices().create("raw-twin");
    }

    @Test
    void getAnswers200WithBothSectionsOnTheCanonicalTopicAtQos0() throws Exception {
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            subscribe(device, "$iothub/twin/res/#");
            publish(device, "$iothub/twin/GET/?$rid=abc-1", " "); // Node and Python send one space
            Mqtt3Publish response = device.take();
            assertThat(response.getTopic().toString()).isEqualTo("$iothub/twin/res/200/?$rid=abc-1");
            assertThat(response.getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);
            assertThat(new JsonObject(body(response))).isEqualTo(
                    new JsonObject("{\"desired\":{\"$version\":1},\"reported\":{\"$version\":1}}"));

            publish(device, "$iothub/twin/GET?$rid=no-slash", ""); // liberal in what it accepts
            assertThat(device.take().getTopic().toString()).isEqualTo("$iothub/twin/res/200/?$rid=no-slash");
        }
    }

    @Test
    void noAnswerWithoutASubscriptionToTheResponseTopic() throws Exception {
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            subscribe(device, "$iothub/methods/POST/#"); // anything but $iothub/twin/res/#
            publish(device, "$iothub/twin/PATCH/properties/reported/?$rid=unheard", "{\"a\":1}");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> hub.twins().get("raw-twin").reportedVersion() == 2);
            subscribe(device, "$iothub/twin/res/#");
            publish(device, "$iothub/twin/GET/?$rid=heard", "");
            Mqtt3Publish first = device.take();
            assertThat(first.getTopic().toString()).as("the PATCH was applied but not answered")
                    .isEqualTo("$iothub/twin/res/200/?$rid=heard");
        }
    }

    @Test
    void reportedPatchAnswers204WithTheNewVersionAfterTheRid() throws Exception {
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            subscribe(device, "$iothub/twin/res/#");
            publish(device, "$iothub/twin/PATCH/properties/reported/?$rid=r1", "{\"fw\":\"1.0\",\"n\":{\"a\":1}}");
            Mqtt3Publish ok = device.take();
            assertThat(ok.getTopic().toString()).isEqualTo("$iothub/twin/res/204/?$rid=r1&$version=2");
            assertThat(ok.getPayloadAsBytes()).isEmpty();

            publish(device, "$iothub/twin/PATCH/properties/reported/?$rid=r2&$version=2", "{\"n\":{\"a\":null}}");
            assertThat(device.take().getTopic().toString()).isEqualTo("$iothub/twin/res/204/?$rid=r2&$version=3");
            assertThat(hub.twins().get("raw-twin").reported()).isEqualTo(java.util.Map.of("fw", "1.0",
                    "n", java.util.Map.of()));

            publish(device, "$iothub/twin/PATCH/properties/reported/?$version=1&$rid=r3", "{\"fw\":\"2\"}");
            Mqtt3Publish stale = device.take();
            assertThat(stale.getTopic().toString()).isEqualTo("$iothub/twin/res/412/?$rid=r3");
            assertThat(new JsonObject(body(stale)).getInteger("errorCode")).isEqualTo(412001);

            publish(device, "$iothub/twin/PATCH/properties/reported/?$rid=r4", "{not json");
            assertThat(device.take().getTopic().toString()).isEqualTo("$iothub/twin/res/400/?$rid=r4");
            publish(device, "$iothub/twin/PATCH/properties/reported/?$rid=r5", "{\"a.b\":1}");
            assertThat(device.take().getTopic().toString()).isEqualTo("$iothub/twin/res/400/?$rid=r5");

            hub.twins().throttleUpdates("raw-twin", 1);
            publish(device, "$iothub/twin/PATCH/properties/reported/?$rid=r6", "{\"fw\":\"3\"}");
            assertThat(device.take().getTopic().toString()).isEqualTo("$iothub/twin/res/429/?$rid=r6");
            assertThat(hub.twins().get("raw-twin").reportedVersion()).isEqualTo(3);
            assertThat(hub.isConnected("raw-twin")).as("errors answer, they do not disconnect").isTrue();
        }
    }

    @Test
    void desiredPatchesArriveInOrderWithVersionInTopicAndBodyAlsoAfterAReconnect() throws Exception {
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            subscribe(device, "$iothub/twin/PATCH/properties/desired/#");
            hub.twins().patchDesired("raw-twin", "{\"t\":1}");
            hub.twins().patchDesired("raw-twin", "{\"t\":null,\"u\":{\"v\":2}}");
            Mqtt3Publish first = device.take();
            Mqtt3Publish second = device.take();
            assertThat(first.getTopic().toString()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=2");
            assertThat(new JsonObject(body(first))).isEqualTo(new JsonObject("{\"t\":1,\"$version\":2}"));
            assertThat(first.getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);
            assertThat(second.getTopic().toString()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=3");
            assertThat(new JsonObject(body(second))).isEqualTo(new JsonObject("{\"t\":null,\"u\":{\"v\":2},\"$version\":3}"));

            // the Java SDK does not subscribe again after a reconnect: the persistent session keeps it
            device.client.disconnect();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> !hub.twins().isSubscribedToDesired("raw-twin"));
            device.connect();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> hub.twins().isSubscribedToDesired("raw-twin"));
            hub.twins().patchDesired("raw-twin", "{\"w\":3}");
            assertThat(device.take().getTopic().toString()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=4");
        }
    }

    @Test
    void methodRequestsCarryTheRidAndAJsonBodyAndAnswersAreCorrelated() throws Exception {
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            subscribe(device, "$iothub/methods/POST/#");
            CompletableFuture<MethodResult> first = hub.methods().invokeAsync("raw-twin", MethodRequest.of("reboot", null));
            CompletableFuture<MethodResult> second = hub.methods().invokeAsync("raw-twin",
                    MethodRequest.of("setTemp", "{\"t\":21}"));
            Mqtt3Publish a = device.take();
            Mqtt3Publish b = device.take();
            String ridA = rid(a, "reboot");
            String ridB = rid(b, "setTemp");
            assertThat(ridA).isNotEqualTo(ridB).matches("[0-9a-f]+");
            assertThat(body(a)).isEqualTo("null"); // never an empty body: Node would fail to parse it
            assertThat(body(b)).isEqualTo("{\"t\":21}");
            assertThat(a.getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);

            publish(device, "$iothub/methods/res/500/?$rid=" + ridB, "{\"error\":\"too hot\"}");
            publish(device, "$iothub/methods/res/200/?$rid=" + ridA, "");
            assertThat(second.get(15, TimeUnit.SECONDS)).isEqualTo(new MethodResult(500, "{\"error\":\"too hot\"}"));
            assertThat(first.get(15, TimeUnit.SECONDS)).isEqualTo(new MethodResult(200, "null"));
            publish(device, "$iothub/methods/res/200/?$rid=" + ridA, "{}"); // a duplicate: dropped, harmless
            publish(device, "$iothub/methods/res/200/?$rid=unknown", "{}");

            device.client.unsubscribeWith().topicFilter("$iothub/methods/POST/#").send();
            ExecutionException offline = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> hub.methods().invokeAsync("raw-twin", MethodRequest.of("m", null)).get(15, TimeUnit.SECONDS));
            assertThat(((MethodException) offline.getCause()).errorCode()).isEqualTo(404103);
            assertThat(hub.isConnected("raw-twin")).isTrue();
        }
    }

    @Test
    void methodsSurviveAReconnectOfAPersistentSession() throws Exception {
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            subscribe(device, "$iothub/methods/POST/#");
            device.client.disconnect();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> !hub.methods().isSubscribed("raw-twin"));
            device.connect();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> hub.methods().isSubscribed("raw-twin"));
            CompletableFuture<MethodResult> call = hub.methods().invokeAsync("raw-twin", MethodRequest.of("m", "1"));
            String rid = rid(device.take(), "m");
            publish(device, "$iothub/methods/res/200/?$rid=" + rid, "2");
            assertThat(call.get(15, TimeUnit.SECONDS)).isEqualTo(new MethodResult(200, "2"));
        }
    }

    private static String rid(Mqtt3Publish request, String method) {
        Matcher m = Pattern.compile("\\$iothub/methods/POST/" + method + "/\\?\\$rid=(.+)").matcher(request.getTopic().toString());
        assertThat(m.matches()).as(request.getTopic().toString()).isTrue();
        return m.group(1);
    }

    private static void subscribe(RawDevice device, String filter) throws Exception {
        device.client.toAsync().subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send()
                .get(15, TimeUnit.SECONDS);
    }

    private static void publish(RawDevice device, String topic, String body) {
        device.client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(body.getBytes(StandardCharsets.UTF_8)).send();
    }

    private static String body(Mqtt3Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }
}
