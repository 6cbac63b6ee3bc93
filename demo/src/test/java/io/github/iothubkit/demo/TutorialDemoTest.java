package io.github.iothubkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Service app → fake hub → device app, end to end, as the demo runs it. */
class TutorialDemoTest {

    private static final String HOST = "127.0.0.45";

    @Test
    void deviceReceivesAndPrintsBothTutorialMessagesAndTheServiceGetsSuccessFeedback() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = TutorialDemo.run(HOST, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        assertThat(text.lines()).contains(
                "[service] Sending message: 0",
                "[service] Sending message: 1",
                "[device]      ('message_id', 'message_0')",
                "[device]      ('correlation_id', 'correlation_0')",
                "[device]      ('custom_properties', {'testProperty': 'PropMsg_0'})",
                "[device]      ('message_id', 'message_1')",
                "[device]      ('custom_properties', {'testProperty': 'PropMsg_1'})",
                "[device]  Total calls received: 1",
                "[device]  Total calls received: 2");
        assertThat(text).containsPattern("\\[device]      \\('data', b'\\{\"service client sent a message\": 1[2-5]\\.\\d\\d}'\\)");
        assertThat(text).contains("message_0 -> success (device myDevice", "message_1 -> success (device myDevice");
    }
}
