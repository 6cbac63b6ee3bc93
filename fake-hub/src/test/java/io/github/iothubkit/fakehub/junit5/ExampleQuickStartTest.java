package io.github.iothubkit.fakehub.junit5;

// quickStart {
import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static io.github.iothubkit.fakehub.assertj.MessagePattern.message;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.FeedbackStatus;
import io.github.iothubkit.fakehub.clients.HubClients;
import io.github.iothubkit.fakehub.junit5.FakeIotHubTest;
import io.github.iothubkit.fakehub.junit5.TestDevice;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@FakeIotHubTest // one hub for the class, on a free loopback address (127.0.1.x), reset before each test
class ExampleQuickStartTest {

    @Test
    void deviceReceivesWhatTheServiceSends(FakeIotHub hub, @TestDevice("thermostat") DeviceIdentity device)
            throws Exception {
        // Real Azure SDK clients, trust and connection string already set
        DeviceClient deviceClient = HubClients.deviceClient(hub, device);
        deviceClient.setMessageCallback((msg, ctx) -> IotHubMessageResult.COMPLETE, null);
        deviceClient.open(false);
        MessagingClient service = HubClients.messagingClient(hub);
        service.open();
        try {
            Message command = new Message("{\"target\":21}");
            command.setMessageId("cmd-1");
            command.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
            service.send("thermostat", command);

            com.microsoft.azure.sdk.iot.device.Message reading = new com.microsoft.azure.sdk.iot.device.Message("{\"t\":20.5}");
            reading.setProperty("kind", "reading");
            deviceClient.sendEvent(reading);

            // Assertions wait on the hub (no sleeps) and say what did happen when they fail
            assertThat(hub).c2d("cmd-1").hasOutcome(C2dOutcome.COMPLETED).within(Duration.ofSeconds(10));
            assertThat(hub).feedback("cmd-1").hasStatus(FeedbackStatus.SUCCESS).within(Duration.ofSeconds(10));
            assertThat(hub).telemetry("thermostat").hasMessage(message().property("kind", "reading").body("{\"t\":20.5}"))
                    .within(Duration.ofSeconds(10));
        } finally {
            service.close();
            deviceClient.close();
        }
    }
}
// }
