package io.github.iothubkit.deviceapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The device app on the real device SDK against the in-process fake hub. */
class DeviceAppHubTest {

    private static final String HOST = "127.0.0.41";
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final FakeIotHubExtension hub = FakeIotHubExtension.newInstance().host(HOST).build();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private DeviceApp app;

    @AfterEach
    void closeApp() {
        if (app != null) {
            app.close();
        }
    }

    private DeviceApp.Config config(DeviceIdentity device) {
        return DeviceApp.Config.of(device.connectionString()).withSslContext(hub.hub().trust().sslContext())
                .withOutput(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsEveryFieldOfAMessageSentThroughTheHubAndCompletesIt() throws Exception {
        DeviceIdentity device = hub.hub().devices().create("printer");
        app = new DeviceApp(config(device)).start();

        hub.hub().cloudToDevice().send("printer", C2dMessage.of("{\"service client sent a message\": 12.49}")
                .messageId("message_0").correlationId("correlation_0").contentType("application/json")
                .contentEncoding("utf-8").property("testProperty", "PropMsg_0").property("second key", "a/b&c"));

        assertThat(app.awaitReceived(1, WAIT)).isTrue();
        hub.hub().cloudToDevice().awaitOutcome("message_0", C2dOutcome.COMPLETED, WAIT);
        assertThat(output().lines()).contains(
                "Message received:",
                "    ('data', b'{\"service client sent a message\": 12.49}')",
                "    ('custom_properties', {'testProperty': 'PropMsg_0', 'second key': 'a/b&c'})",
                "    ('message_id', 'message_0')",
                "    ('correlation_id', 'correlation_0')",
                "    ('content_type', 'application/json')",
                "    ('content_encoding', 'utf-8')",
                "    ('expired', False)",
                "Total calls received: 1");
    }

    @Test
    void countsEveryMessageInOrder() throws Exception {
        DeviceIdentity device = hub.hub().devices().create("counter");
        app = new DeviceApp(config(device)).start();

        for (int i = 0; i < 3; i++) {
            hub.hub().cloudToDevice().send("counter", C2dMessage.of("m" + i).messageId("count-" + i));
        }

        assertThat(app.awaitReceived(3, WAIT)).isTrue();
        assertThat(app.receivedCount()).isEqualTo(3);
        assertThat(output().lines().filter(l -> l.startsWith("    ('message_id'")))
                .containsExactly("    ('message_id', 'count-0')", "    ('message_id', 'count-1')",
                        "    ('message_id', 'count-2')");
        assertThat(output()).contains("Total calls received: 1", "Total calls received: 2", "Total calls received: 3");
    }

    @Test
    void trustsTheHubFromAPemFile(@TempDir Path dir) throws Exception {
        DeviceIdentity device = hub.hub().devices().create("pem-file");
        Path pem = hub.hub().trust().writeCaPem(dir.resolve("ca.pem"));
        app = new DeviceApp(config(device).withTrustedCa(pem.toString())).start();

        hub.hub().cloudToDevice().send("pem-file", C2dMessage.of("hello").messageId("pem-1"));

        assertThat(app.awaitReceived(1, WAIT)).isTrue();
    }

    @Test
    void trustsTheHubFromPemText() throws Exception {
        DeviceIdentity device = hub.hub().devices().create("pem-text");
        app = new DeviceApp(config(device).withTrustedCa(hub.hub().trust().caPem())).start();

        hub.hub().cloudToDevice().send("pem-text", C2dMessage.of("hello").messageId("pem-2"));

        assertThat(app.awaitReceived(1, WAIT)).isTrue();
    }

    @Test
    void wrongKeyIsUnauthorized() {
        hub.hub().devices().create("wrong-key");
        String connectionString = "HostName=" + HOST + ";DeviceId=wrong-key;SharedAccessKey="
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        app = new DeviceApp(DeviceApp.Config.of(connectionString).withSslContext(hub.hub().trust().sslContext()));

        assertThatThrownBy(app::start).isInstanceOfSatisfying(DeviceAppException.class, e -> {
            assertThat(e.kind()).isEqualTo(DeviceAppException.Kind.UNAUTHORIZED);
            assertThat(e.getMessage()).contains("'wrong-key'", "UNAUTHORIZED");
        });
    }

    @Test
    void unknownDeviceIsUnauthorized() {
        DeviceIdentity device = hub.hub().devices().create("deleted");
        hub.hub().devices().delete("deleted");

        app = new DeviceApp(config(device));

        assertThatThrownBy(app::start).isInstanceOfSatisfying(DeviceAppException.class,
                e -> assertThat(e.kind()).isEqualTo(DeviceAppException.Kind.UNAUTHORIZED));
    }

    @Test
    void untrustedHubCertificateIsATlsError() {
        DeviceIdentity device = hub.hub().devices().create("no-trust");
        // JVM default trust: the fake's private CA is not in it.
        app = new DeviceApp(DeviceApp.Config.of(device.connectionString()));

        assertThatThrownBy(app::start).isInstanceOfSatisfying(DeviceAppException.class, e -> {
            assertThat(e.kind()).isEqualTo(DeviceAppException.Kind.UNREACHABLE);
            assertThat(e.getMessage()).contains("TLS handshake", "IOTHUB_TRUSTED_CA_PEM");
        });
    }

    @Test
    void commandLineReportsBadCredentialsInOneLine(@TempDir Path dir) {
        hub.hub().devices().create("cli-wrong-key");
        Path pem = hub.hub().trust().writeCaPem(dir.resolve("ca.pem"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of(DeviceApp.CONNECTION_STRING_VARIABLE, "HostName=" + HOST
                        + ";DeviceId=cli-wrong-key;SharedAccessKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                DeviceApp.TRUSTED_CA_VARIABLE, pem.toString());

        int code = DeviceAppMain.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: the hub at " + HOST + " refused device")
                .hasLineCount(1);
    }
}
