package io.github.iothubkit.deviceapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.Message;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessagePrinterTest {

    private static final String NL = System.lineSeparator();

    @Test
    void printsBodySystemAndApplicationPropertiesLikeTheTutorial() {
        Message message = new Message("{\"service client sent a message\": 12.49}");
        message.setMessageId("message_0");
        message.setCorrelationId("correlation_0");
        message.setContentType("application/json");
        message.setContentEncoding("utf-8");
        message.setUserId("backend");
        message.setProperty("testProperty", "PropMsg_0");
        message.setProperty("second", "two words");

        String text = MessagePrinter.format(message, 1);

        assertThat(text).startsWith(NL + "Message received:" + NL).endsWith("Total calls received: 1" + NL + NL);
        assertThat(text.lines()).contains(
                "    ('data', b'{\"service client sent a message\": 12.49}')",
                "    ('custom_properties', {'testProperty': 'PropMsg_0', 'second': 'two words'})",
                "    ('message_id', 'message_0')",
                "    ('correlation_id', 'correlation_0')",
                "    ('user_id', 'backend')",
                "    ('content_type', 'application/json')",
                "    ('content_encoding', 'utf-8')",
                "    ('expired', False)",
                "    ('to', None)",
                "    ('ack', None)",
                "    ('connection_device_id', None)",
                "    ('connection_module_id', None)",
                "    ('input_name', None)",
                "    ('output_name', None)");
    }

    @Test
    void unsetFieldsArePrintedAsNoneAndAnEmptyPropertyBagAsAnEmptyDict() {
        Message message = new Message(new byte[0]);
        message.setMessageId(null);

        String text = MessagePrinter.format(message, 7);

        assertThat(text.lines()).contains("    ('data', b'')", "    ('custom_properties', {})",
                "    ('message_id', None)", "    ('content_type', None)",
                "Total calls received: 7");
    }

    @Test
    void expiryIsShownAsWhetherItPassed() {
        Message message = new Message("late");
        message.setAbsoluteExpiryTime(1);

        assertThat(MessagePrinter.format(message, 1).lines()).contains("    ('expired', True)");
    }

    @Test
    void escapesLikePythonLiterals() {
        assertThat(MessagePrinter.bytesLiteral("a'b\\c\n\u00e9".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("b'a\\'b\\\\c\\n\\xc3\\xa9'");
        assertThat(MessagePrinter.literal("it's")).isEqualTo("'it\\'s'");
        assertThat(MessagePrinter.literal("tab\there")).isEqualTo("'tab\\there'");
        assertThat(MessagePrinter.literal(null)).isEqualTo("None");
    }
}
