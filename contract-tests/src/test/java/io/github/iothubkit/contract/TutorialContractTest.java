package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.contract.target.HubExtension;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.TestDevice;
import io.github.iothubkit.contract.target.TestDevices;
import io.github.iothubkit.deviceapp.DeviceApp;
import io.github.iothubkit.serviceapp.ServiceApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The tutorial end to end: the service app sends its two messages, the device app prints them. */
@ExtendWith(HubExtension.class)
class TutorialContractTest {

    private static final String[] FIELDS = {"data", "custom_properties", "message_id", "correlation_id", "user_id",
        "content_type", "content_encoding", "expired", "to", "ack", "creation_time_utc", "connection_device_id",
        "connection_module_id", "input_name", "output_name"};

    @Test
    void theDeviceAppPrintsEveryFieldOfBothMessagesAndTheServiceAppGetsSuccessFeedback(HubUnderTest hub,
            TestDevices devices) throws Exception {
        TestDevice device = devices.create("tutorial");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ServiceApp.Result result;
        try (DeviceApp app = new DeviceApp(DeviceApp.Config.of(device.connectionString())
                .withSslContext(hub.sslContext())
                .withOutput(new PrintStream(printed, true, StandardCharsets.UTF_8))).start()) {
            result = new ServiceApp(ServiceApp.Config.of(hub.serviceConnectionString(), device.deviceId())
                    .withSslContext(hub.sslContext())
                    .withFeedbackTimeout(hub.feedbackTimeout())
                    .withOutput(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .withRandom(() -> 0.5))
                    .run();
            assertThat(app.awaitReceived(2, hub.deliveryTimeout())).as("both messages printed").isTrue();
        }

        assertThat(result.sentMessageIds()).containsExactly("message_0", "message_1");
        assertThat(result.missingFeedback()).as("feedback within %s", hub.feedbackTimeout()).isEmpty();
        assertThat(result.feedback()).extracting(ServiceApp.Feedback::statusCode).containsOnly("success");

        String out = printed.toString(StandardCharsets.UTF_8);
        String[] blocks = out.split("Message received:");
        assertThat(blocks).hasSize(3);
        for (int i = 0; i < 2; i++) {
            String block = blocks[i + 1];
            for (String field : FIELDS) {
                assertThat(block).contains("('" + field + "', ");
            }
            assertThat(block)
                    .contains("('data', b'{\"service client sent a message\": 14.00}')")
                    .contains("'testProperty': 'PropMsg_" + i + "'")
                    .contains("('message_id', 'message_" + i + "')")
                    .contains("('correlation_id', 'correlation_" + i + "')")
                    .contains("('expired', False)")
                    .contains("Total calls received: " + (i + 1));
        }
    }
}
