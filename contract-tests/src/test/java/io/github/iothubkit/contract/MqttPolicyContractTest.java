package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import io.github.iothubkit.contract.clients.C2dSender;
import io.github.iothubkit.contract.clients.RawMqttDevice;
import io.github.iothubkit.contract.target.HubExtension;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.TestDevice;
import io.github.iothubkit.contract.target.TestDevices;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a device may do on its MQTT connection, and what makes the hub close it. */
@ExtendWith(HubExtension.class)
class MqttPolicyContractTest {

    @Test
    void acknowledgesATelemetryPublishAtQos1AndKeepsTheConnection(HubUnderTest hub, TestDevices devices) {
        TestDevice device = devices.create("d2c");
        try (RawMqttDevice raw = RawMqttDevice.of(hub, device, false)) {
            raw.connect();
            // The blocking publish returns once the PUBACK arrived.
            raw.client().publishWith()
                    .topic("devices/" + device.deviceId() + "/messages/events/$.ct=application%2Fjson&$.ce=utf-8&k1=v1")
                    .qos(MqttQos.AT_LEAST_ONCE).payload("{\"t\":1}".getBytes(StandardCharsets.UTF_8)).send();
            assertThat(raw.isConnected()).isTrue();
        }
    }

    @Test
    void closesTheConnectionOfADeviceThatSubscribesToAnotherDevicesTopic(HubUnderTest hub, TestDevices devices)
            throws Exception {
        TestDevice device = devices.create("snoop");
        TestDevice victim = devices.create("victim");
        try (RawMqttDevice raw = RawMqttDevice.of(hub, device, false)) {
            raw.connect();
            // Not awaited: HiveMQ would keep the pending SUBSCRIBE of a persistent session for the next connection.
            raw.client().toAsync().subscribeWith().topicFilter("devices/" + victim.deviceId() + "/messages/devicebound/#")
                    .qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(raw.awaitDisconnected(hub.connectionTimeout())).as("connection closed by the hub").isTrue();
        }
    }

    @Test
    void closesTheConnectionOnAQos2Publish(HubUnderTest hub, TestDevices devices) throws Exception {
        TestDevice device = devices.create("qos2");
        try (RawMqttDevice raw = RawMqttDevice.of(hub, device, false)) {
            raw.connect();
            raw.client().toAsync().publishWith().topic("devices/" + device.deviceId() + "/messages/events/")
                    .qos(MqttQos.EXACTLY_ONCE).payload("x".getBytes(StandardCharsets.UTF_8)).send();
            assertThat(raw.awaitDisconnected(hub.connectionTimeout())).as("connection closed by the hub").isTrue();
        }
    }

    @Test
    void aSecondConnectionOfTheSameDeviceTakesOverAndReceivesItsMessages(HubUnderTest hub, TestDevices devices)
            throws Exception {
        TestDevice device = devices.create("takeover");
        try (RawMqttDevice first = RawMqttDevice.subscribed(hub, device, false);
             RawMqttDevice second = RawMqttDevice.of(hub, device, false)) {
            second.connect();
            assertThat(first.awaitDisconnected(hub.connectionTimeout())).as("the first connection dropped").isTrue();
            second.subscribeC2d();
            try (C2dSender sender = C2dSender.open(hub)) {
                sender.send(device.deviceId(), C2dSender.message("to-second", "x", DeliveryAcknowledgement.None));
            }
            assertThat(second.take(hub.deliveryTimeout()).getTopic().toString()).contains("%24.mid=to-second");
            assertThat(second.isConnected()).isTrue();
            assertThat(first.received()).isEmpty();
        }
    }
}
