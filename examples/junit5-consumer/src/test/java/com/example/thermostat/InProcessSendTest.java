package com.example.thermostat;

// inProcessSend {
import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static io.github.iothubkit.fakehub.assertj.MessagePattern.message;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.clients.HubClients;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InProcessSendTest {

    // The extension as a handle: the test itself queues cloud-to-device messages, no service client needed
    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().build();

    @Test
    void deviceCompletesWhatTheTestQueues() throws Exception {
        DeviceIdentity valve = hub.devices().create("valve");
        DeviceClient deviceClient = HubClients.deviceClient(hub.hub(), valve);
        deviceClient.setMessageCallback((msg, ctx) -> IotHubMessageResult.COMPLETE, null);
        deviceClient.open(false);
        try {
            hub.cloudToDevice().send("valve", C2dMessage.of("open").messageId("cmd-2").property("mode", "manual"));

            assertThat(hub.hub()).device("valve").receivedC2d(message().property("mode", "manual").body("open"))
                    .within(Duration.ofSeconds(10));
            assertThat(hub.hub()).c2d("cmd-2").hasOutcome(C2dOutcome.COMPLETED).within(Duration.ofSeconds(10));
        } finally {
            deviceClient.close();
        }
    }
}
// }
