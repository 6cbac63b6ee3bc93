package io.github.iothubkit.fakehub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Wire details of the device MQTT surface that the Azure SDK hides, seen by a raw MQTT client. */
class RawMqttTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private FakeIotHub hub;

    @BeforeEach
    void start() {
        hub = FakeIotHub.builder().host("127.0.0.22").mqttPort(0).amqpPort(0).start();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void publishesC2dOnTheDocumentedTopicWithSystemPropertiesFirstAndPercentEncoding() throws Exception {
        DeviceIdentity dev = hub.devices().create("raw1");
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            device.subscribeC2d("raw1");
            hub.cloudToDevice().send("raw1", C2dMessage.of("hi").messageId("m 1").correlationId("c/1")
                    .contentType("application/json").contentEncoding("utf-8").userId("u1").ack(AckMode.FULL)
                    .expiryTime(Instant.parse("2030-01-02T03:04:05Z")).property("k 1", "v&1=2").property("$x", "+"));

            Mqtt3Publish p = device.take();

            assertThat(p.getTopic().toString()).isEqualTo("devices/raw1/messages/devicebound/%24.mid=m%201"
                    + "&%24.to=%2Fdevices%2Fraw1%2Fmessages%2FdeviceBound&%24.cid=c%2F1&%24.ct=application%2Fjson"
                    + "&%24.ce=utf-8&%24.uid=u1&%24.exp=2030-01-02T03%3A04%3A05.0000000Z&iothub-ack=full"
                    + "&k%201=v%261%3D2&%24x=%2B");
            assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            assertThat(p.isRetain()).isFalse();
            assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hi");
        }
    }

    @Test
    void completesAMessageOnlyWhenTheDeviceSendsPuback() throws Exception {
        DeviceIdentity dev = hub.devices().create("raw2");
        try (RawDevice device = RawDevice.connected(hub, dev, true)) {
            device.subscribeC2d("raw2");
            hub.cloudToDevice().send("raw2", C2dMessage.of("x").messageId("ack-me"));
            Mqtt3Publish p = device.take();
            assertThat(hub.cloudToDevice().find("ack-me").orElseThrow().outcome()).isEqualTo(C2dOutcome.DELIVERED);

            p.acknowledge();

            hub.cloudToDevice().awaitOutcome("ack-me", C2dOutcome.COMPLETED, WAIT);
        }
    }

    @Test
    void answersConnackFourForABadKeyAndFiveForUnknownOrDisabledDevices() {
        DeviceIdentity dev = hub.devices().create("raw3");
        String otherKey = hub.devices().create("raw3b").primaryKey();
        assertConnackRefused(RawDevice.of(hub, "raw3", otherKey, false), Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
        assertConnackRefused(RawDevice.of(hub, "ghost", dev.primaryKey(), false), Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
        hub.devices().disable("raw3");
        assertConnackRefused(RawDevice.of(hub, "raw3", dev.primaryKey(), false), Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
        hub.devices().enable("raw3");
        assertThat(RawDevice.of(hub, "raw3", dev.primaryKey(), false).connect().getReturnCode())
                .isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    }

    private static void assertConnackRefused(RawDevice device, Mqtt3ConnAckReturnCode code) {
        assertThatThrownBy(device::connect).isInstanceOfSatisfying(Mqtt3ConnAckException.class,
                e -> assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(code));
    }

    @Test
    void closesTheConnectionOfADeviceThatSubscribesToAnotherDevicesTopicAndKeepsServingOthers() throws Exception {
        DeviceIdentity dev = hub.devices().create("raw4");
        DeviceIdentity victim = hub.devices().create("victim");
        try (RawDevice attacker = RawDevice.connected(hub, dev, false);
             RawDevice other = RawDevice.connected(hub, victim, false)) {
            other.subscribeC2d("victim");
            // HiveMQ keeps a persistent session's pending SUBSCRIBE for the next connection: don't wait on it.
            attacker.client.toAsync().subscribeWith().topicFilter("devices/victim/messages/devicebound/#").send();
            assertThat(attacker.awaitDisconnected()).isTrue();

            hub.cloudToDevice().send("victim", C2dMessage.of("private").messageId("v1"));
            assertThat(other.take().getTopic().toString()).startsWith("devices/victim/");
            assertThat(attacker.received).isEmpty();
        }
    }

    @Test
    void closesTheConnectionOnAWildcardSubscriptionReachingBeyondTheDevice() throws Exception {
        DeviceIdentity dev = hub.devices().create("raw5");
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            device.client.toAsync().subscribeWith().topicFilter("devices/+/messages/devicebound/#").send();
            assertThat(device.awaitDisconnected()).isTrue();
        }
    }

    @Test
    void closesTheConnectionOnPublishToAForeignTopic() throws Exception {
        DeviceIdentity dev = hub.devices().create("raw6");
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            device.client.toAsync().publishWith().topic("devices/other/messages/events/").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("x".getBytes(StandardCharsets.UTF_8)).send();
            assertThat(device.awaitDisconnected()).isTrue();
            assertThat(hub.telemetry().messages()).isEmpty();
        }
    }

    @Test
    void closesTheConnectionOnAQos2Publish() throws Exception {
        DeviceIdentity dev = hub.devices().create("raw7");
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            device.client.toAsync().publishWith().topic("devices/raw7/messages/events/").qos(MqttQos.EXACTLY_ONCE)
                    .payload("x".getBytes(StandardCharsets.UTF_8)).send();
            assertThat(device.awaitDisconnected()).isTrue();
            assertThat(hub.telemetry().messages()).isEmpty();
        }
    }

    @Test
    void grantsQos1ForAQos2Subscription() {
        DeviceIdentity dev = hub.devices().create("raw8");
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            Mqtt3SubAck ack = device.client.subscribeWith().topicFilter("devices/raw8/messages/devicebound/#")
                    .qos(MqttQos.EXACTLY_ONCE).send();
            assertThat(ack.getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
        }
    }

    @Test
    void acknowledgesTelemetryAtQos1AndReadsLiteralAndEncodedSystemKeys() {
        DeviceIdentity dev = hub.devices().create("raw9");
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            device.client.publishWith().topic("devices/raw9/messages/events/$.mid=t1&%24.ct=application%2Fjson&k%201=a%2Bb&k2=x%20y")
                    .qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes(StandardCharsets.UTF_8)).send(); // returns on PUBACK
            var m = hub.telemetry().await("raw9", 1, WAIT).get(0);
            assertThat(m.systemProperties()).containsEntry("$.mid", "t1").containsEntry("$.ct", "application/json");
            assertThat(m.properties()).containsEntry("k 1", "a+b").containsEntry("k2", "x y");
        }
    }

    @Test
    void unsubscribingStopsC2dAndPutsTheUnacknowledgedMessageBackUntilTheDeviceSubscribesAgain() throws Exception {
        DeviceIdentity dev = hub.devices().create("raw11");
        try (RawDevice device = RawDevice.connected(hub, dev, true)) {
            device.subscribeC2d("raw11");
            hub.cloudToDevice().send("raw11", C2dMessage.of("x").messageId("held"));
            Mqtt3Publish first = device.take();
            assertThat(first.getTopic().toString()).contains("%24.mid=held");

            device.client.unsubscribeWith().topicFilter("devices/raw11/messages/devicebound/#").send(); // on UNSUBACK

            hub.cloudToDevice().awaitMatching(r -> r.messageId().equals("held")
                    && r.outcome() == C2dOutcome.ENQUEUED && r.deliveryCount() == 1, WAIT);
            hub.cloudToDevice().send("raw11", C2dMessage.of("x").messageId("later"));
            assertThat(device.received.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
            device.subscribeC2d("raw11");
            Mqtt3Publish again = device.take();
            Mqtt3Publish later = device.take();
            assertThat(again.getTopic().toString()).contains("%24.mid=held");
            assertThat(later.getTopic().toString()).contains("%24.mid=later");
            first.acknowledge(); // HiveMQ sends PUBACKs in arrival order: this one goes first
            again.acknowledge();
            later.acknowledge();
            assertThat(hub.cloudToDevice().awaitOutcome("held", C2dOutcome.COMPLETED, WAIT).deliveryCount()).isEqualTo(2);
            hub.cloudToDevice().awaitOutcome("later", C2dOutcome.COMPLETED, WAIT);
        }
    }

    @Test
    void aSecondConnectionForTheSameDeviceTakesOverAndReceivesWhatIsQueued() throws Exception {
        DeviceIdentity dev = hub.devices().create("raw10");
        try (RawDevice first = RawDevice.connected(hub, dev, false)) {
            first.subscribeC2d("raw10");
            try (RawDevice second = RawDevice.connected(hub, dev, false)) {
                assertThat(first.awaitDisconnected()).isTrue();
                second.subscribeC2d("raw10");
                hub.cloudToDevice().send("raw10", C2dMessage.of("to the new one").messageId("t-1"));
                assertThat(second.take().getTopic().toString()).contains("%24.mid=t-1");
                hub.cloudToDevice().awaitOutcome("t-1", C2dOutcome.COMPLETED, WAIT);
                await().atMost(WAIT).until(() -> hub.isConnected("raw10"));
            }
        }
    }
}
