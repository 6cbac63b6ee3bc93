package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubMessageTooLargeException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import io.github.iothubkit.contract.clients.C2dSender;
import io.github.iothubkit.contract.clients.RawMqttDevice;
import io.github.iothubkit.contract.target.HubExtension;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.TestDevice;
import io.github.iothubkit.contract.target.TestDevices;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What {@code MessagingClient.send} refuses, and with which exception. */
@ExtendWith(HubExtension.class)
class LimitsContractTest {

    @Test
    void refusesThe51stQueuedMessageWithQueueDepthExceeded(HubUnderTest hub, TestDevices devices) throws Exception {
        TestDevice device = devices.create("depth");
        try (C2dSender sender = C2dSender.open(hub)) {
            for (int i = 0; i < 50; i++) {
                sender.send(device.deviceId(), C2dSender.message("depth-" + i, "x", DeliveryAcknowledgement.None));
            }
            assertThatThrownBy(() -> sender.send(device.deviceId(),
                    C2dSender.message("depth-50", "x", DeliveryAcknowledgement.None)))
                    .isInstanceOf(IotHubDeviceMaximumQueueDepthExceededException.class);
            // The connection survives a refused message: the next device is served on it.
            TestDevice other = devices.create("depth-other");
            sender.send(other.deviceId(), C2dSender.message("still-open", "x", DeliveryAcknowledgement.None));
        }
    }

    @Test
    void refusesAMessageOver64KilobytesAndDeliversOneJustUnder(HubUnderTest hub, TestDevices devices)
            throws Exception {
        TestDevice device = devices.create("size");
        try (C2dSender sender = C2dSender.open(hub)) {
            assertThatThrownBy(() -> sender.send(device.deviceId(),
                    C2dSender.message("too-big", new byte[64 * 1024 + 1], DeliveryAcknowledgement.None)))
                    .isInstanceOf(IotHubMessageTooLargeException.class);
            // The SDK's own end-to-end tests send 65000-byte bodies.
            sender.send(device.deviceId(), C2dSender.message("big", new byte[65000], DeliveryAcknowledgement.None));
            try (RawMqttDevice raw = RawMqttDevice.subscribed(hub, device, false)) {
                Mqtt3Publish p = raw.take(hub.deliveryTimeout());
                assertThat(p.getTopic().toString()).contains("%24.mid=big");
                assertThat(p.getPayloadAsBytes()).hasSize(65000);
            }
        }
    }

    @Test
    void refusesAMessageForAnUnknownDeviceWithNotFound(HubUnderTest hub) throws Exception {
        String nobody = "contract-nobody-" + UUID.randomUUID();
        try (C2dSender sender = C2dSender.open(hub)) {
            assertThatThrownBy(() -> sender.send(nobody, C2dSender.message("lost", "x", DeliveryAcknowledgement.Full)))
                    .isInstanceOf(IotHubNotFoundException.class);
        }
    }
}
