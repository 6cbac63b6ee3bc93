package io.github.iothubkit.fakehub.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import io.github.iothubkit.fakehub.clients.HubClients;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults as the real Azure SDKs experience them. */
class SdkFaultsAcceptanceTest {

    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().host("127.0.0.82").build();

    @Test
    void aThrottledSendReachesTheServiceSdkWithIotHubsThrottleCondition() throws Exception {
        hub.hub().devices().create("dev-throttled");
        hub.hub().faults().inject("dev-throttled", Fault.failSend(SendError.THROTTLED))
                .inject("dev-throttled", Fault.failSend(SendError.QUEUE_FULL));
        MessagingClient messaging = HubClients.messagingClient(hub.hub());
        messaging.open();
        try {
            com.microsoft.azure.sdk.iot.service.messaging.Message m =
                    new com.microsoft.azure.sdk.iot.service.messaging.Message("x");
            // the Java service SDK has no class for this condition: it reports "<condition>: <description>"
            assertThatThrownBy(() -> messaging.send("dev-throttled", m))
                    .isExactlyInstanceOf(IotHubException.class)
                    .hasMessageContaining("com.microsoft:device-container-throttled").hasMessageContaining("429001");
            assertThatThrownBy(() -> messaging.send("dev-throttled", m))
                    .isInstanceOf(IotHubDeviceMaximumQueueDepthExceededException.class);
            messaging.send("dev-throttled", m);
            assertThat(hub.hub().cloudToDevice().queued("dev-throttled")).hasSize(1);
        } finally {
            messaging.close();
        }
    }

    @Test
    void theDeviceSdkReconnectsAfterItsOwnKillTcpFaultMessage() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-sdk-kill");
        DeviceClient client = HubClients.deviceClient(hub.hub(), dev);
        List<IotHubConnectionStatus> statuses = new CopyOnWriteArrayList<>();
        client.setConnectionStatusChangeCallback(c -> statuses.add(c.getNewStatus()), null);
        client.open(false);
        try {
            Message fault = new Message(" "); // the SDK refuses an empty body
            fault.setProperty("AzIoTHub_FaultOperationType", "KillTcp");
            fault.setProperty("AzIoTHub_FaultOperationCloseReason", "boom");
            fault.setProperty("AzIoTHub_FaultOperationDelayInSecs", "0");
            client.sendEventAsync(fault, (m, e, ctx) -> { }, null);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(statuses).containsSubsequence(
                    IotHubConnectionStatus.CONNECTED, IotHubConnectionStatus.DISCONNECTED_RETRYING,
                    IotHubConnectionStatus.CONNECTED));
            assertThat(hub.hub().isConnected("dev-sdk-kill")).isTrue();
        } finally {
            client.close();
        }
    }
}
