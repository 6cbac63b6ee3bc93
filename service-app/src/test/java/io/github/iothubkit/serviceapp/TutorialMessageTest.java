package io.github.iothubkit.serviceapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TutorialMessageTest {

    @Test
    void carriesTheTutorialsIdsPropertyAndFullAck() {
        Message message = ServiceApp.tutorialMessage(1, 0.5);

        assertThat(message.getMessageId()).isEqualTo("message_1");
        assertThat(message.getCorrelationId()).isEqualTo("correlation_1");
        // the SDK keeps the ack mode among the application properties, as it goes on the wire
        assertThat(message.getProperties()).isEqualTo(Map.of("testProperty", "PropMsg_1", "iothub-ack", "full"));
        assertThat(message.getDeliveryAcknowledgement()).isEqualTo(DeliveryAcknowledgement.Full);
    }

    @Test
    void bodyIsTheTutorialsJsonWithTwoDecimals() {
        // 10 + (0.5 * 4 + 2) = 14
        assertThat(body(ServiceApp.tutorialMessage(0, 0.5))).isEqualTo("{\"service client sent a message\": 14.00}");
        // the range is [12, 16)
        assertThat(body(ServiceApp.tutorialMessage(0, 0.0))).isEqualTo("{\"service client sent a message\": 12.00}");
        assertThat(body(ServiceApp.tutorialMessage(0, 0.123456))).isEqualTo("{\"service client sent a message\": 12.49}");
    }

    private static String body(Message message) {
        return new String(message.getBytes(), StandardCharsets.UTF_8);
    }
}
