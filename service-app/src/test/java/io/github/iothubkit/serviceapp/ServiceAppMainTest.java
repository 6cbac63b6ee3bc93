package io.github.iothubkit.serviceapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's one-line errors; none of these needs a hub. */
class ServiceAppMainTest {

    /** Reserved for this test: nothing listens on it, so the connection is refused. */
    private static final String DEAD_HOST = "127.0.0.42";
    private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtMDEyMzQ1Njc4OQ==";
    private static final String CONNECTION_STRING =
            "HostName=" + DEAD_HOST + ";SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env) {
        return ServiceAppMain.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingConnectionString() {
        assertThat(run(Map.of(ServiceApp.DEVICE_ID_VARIABLE, "dev"))).isEqualTo(2);
        assertThat(errText()).startsWith("error: IOTHUB_CONNECTION_STRING is not set").hasLineCount(1);
    }

    @Test
    void missingDeviceId() {
        assertThat(run(Map.of(ServiceApp.CONNECTION_STRING_VARIABLE, CONNECTION_STRING))).isEqualTo(2);
        assertThat(errText()).startsWith("error: IOTHUB_DEVICE_ID is not set").hasLineCount(1);
    }

    @Test
    void badMessageCount() {
        Map<String, String> env = env();
        env.put(ServiceApp.MESSAGE_COUNT_VARIABLE, "two");

        assertThat(run(env)).isEqualTo(2);
        assertThat(errText()).isEqualTo("error: IOTHUB_MESSAGE_COUNT must be a whole number >= 0, not 'two'"
                + System.lineSeparator());
    }

    @Test
    void malformedConnectionString() {
        Map<String, String> env = env();
        env.put(ServiceApp.CONNECTION_STRING_VARIABLE, "HostName=" + DEAD_HOST + ";SharedAccessKey=" + KEY);

        assertThat(run(env)).isEqualTo(2);
        assertThat(errText()).startsWith("error: the IoT hub connection string is malformed: ").hasLineCount(1)
                .doesNotContain(KEY);
    }

    @Test
    void unreachableHub() {
        assertThat(run(env())).isEqualTo(4);
        assertThat(errText()).startsWith("error: cannot reach the IoT hub at " + DEAD_HOST + ":5671 (")
                .hasLineCount(1);
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put(ServiceApp.CONNECTION_STRING_VARIABLE, CONNECTION_STRING);
        env.put(ServiceApp.DEVICE_ID_VARIABLE, "dev");
        return env;
    }
}
