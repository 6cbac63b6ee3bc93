package io.github.iothubkit.deviceapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's one-line errors; none of these needs a hub. */
class DeviceAppMainTest {

    /** Reserved for this test: nothing listens on it, so the connection is refused at once. */
    private static final String DEAD_HOST = "127.0.0.40";
    private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtMDEyMzQ1Njc4OQ==";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env) {
        return DeviceAppMain.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingConnectionStringIsAConfigurationError() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(errText()).isEqualTo("error: IOTHUB_DEVICE_CONNECTION_STRING is not set: export the device"
                + " connection string (HostName=<host>;DeviceId=<id>;SharedAccessKey=<key>)" + System.lineSeparator());
    }

    @Test
    void malformedConnectionStringIsAConfigurationError() {
        assertThat(run(Map.of(DeviceApp.CONNECTION_STRING_VARIABLE, "HostName=nodot;DeviceId=d"))).isEqualTo(2);
        assertThat(errText()).startsWith("error: the device connection string is malformed: ").hasLineCount(1);
    }

    @Test
    void unreadableCaFileIsAConfigurationError(@TempDir Path dir) {
        Map<String, String> env = Map.of(DeviceApp.CONNECTION_STRING_VARIABLE,
                "HostName=" + DEAD_HOST + ";DeviceId=d;SharedAccessKey=" + KEY,
                DeviceApp.TRUSTED_CA_VARIABLE, dir.resolve("missing.pem").toString());

        assertThat(run(env)).isEqualTo(2);
        assertThat(errText()).startsWith("error: cannot read the trusted CA file ").hasLineCount(1);
    }

    @Test
    void caFileWithoutCertificatesIsAConfigurationError(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        Map<String, String> env = Map.of(DeviceApp.CONNECTION_STRING_VARIABLE,
                "HostName=" + DEAD_HOST + ";DeviceId=d;SharedAccessKey=" + KEY,
                DeviceApp.TRUSTED_CA_VARIABLE, pem.toString());

        assertThat(run(env)).isEqualTo(2);
        assertThat(errText()).contains(pem.toString()).hasLineCount(1);
    }

    @Test
    void unreachableHubIsReportedInOneLine() {
        Map<String, String> env = Map.of(DeviceApp.CONNECTION_STRING_VARIABLE,
                "HostName=" + DEAD_HOST + ";DeviceId=d;SharedAccessKey=" + KEY);

        assertThat(run(env)).isEqualTo(4);
        assertThat(errText()).startsWith("error: cannot reach the IoT hub at " + DEAD_HOST + ":8883 (")
                .hasLineCount(1).doesNotContain(KEY);
    }
}
