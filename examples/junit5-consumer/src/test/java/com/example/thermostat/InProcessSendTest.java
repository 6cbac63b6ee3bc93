package com.example.thermostat;

// inProcessSend {
import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static io.github.iothubkit.fakehub.assertj.MessagePattern.message;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.clients.HubClients;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InProcessSendTest {

    // The extension in code; the test takes the hub it serves as a parameter and queues cloud-to-device
    // messages itself, no service client needed
    @RegisterExtension
    static FakeIotHubExtension extension = FakeIotHubExtension.newInstance().build();

    @Test
    void deviceCompletesWhatTheTestQueues(FakeIotHub hub) throws Exception {
        DeviceIdentity valve = hub.devices().create("valve");
        DeviceClient deviceClient = HubClients.deviceClient(hub, valve);
        deviceClient.setMessageCallback((msg, ctx) -> IotHubMessageResult.COMPLETE, null);
        deviceClient.open(false);
        try {
            hub.cloudToDevice().send("valve", C2dMessage.of("open").messageId("cmd-2").property("mode", "manual"));

            assertThat(hub).device("valve").receivedC2d(message().property("mode", "manual").body("open"))
                    .within(Duration.ofSeconds(10));
            assertThat(hub).c2d("cmd-2").hasOutcome(C2dOutcome.COMPLETED).within(Duration.ofSeconds(10));
        } finally {
            deviceClient.close();
        }
    }
}
// }
