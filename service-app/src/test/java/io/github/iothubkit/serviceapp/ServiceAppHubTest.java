package io.github.iothubkit.serviceapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.serviceapp.ServiceAppException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service app on the real service SDK against the in-process fake hub. No device connects here
 * (device-app does not belong in this module); the demo module's tests run both ends together.
 */
class ServiceAppHubTest {

    private static final String HOST = "127.0.0.43";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    @RegisterExtension // an instance field: a hub of its own for each test, on a manual clock
    final FakeIotHubExtension hub = FakeIotHubExtension.newInstance().host(HOST).manualClock().build();

    private ServiceApp.Config config(String deviceId) {
        return ServiceApp.Config.of(hub.hub().serviceConnectionString(), deviceId).withSslContext(hub.hub().trust().sslContext())
                .withOutput(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sendsTheTutorialsTwoMessages() {
        hub.hub().devices().create("myDevice");

        ServiceApp.Result result = new ServiceApp(config("myDevice").withRandom(() -> 0.5)).run();

        assertThat(result.sentMessageIds()).containsExactly("message_0", "message_1");
        assertThat(result.feedback()).isEmpty();
        assertThat(output().lines()).containsExactly("Sending message: 0", "Sending message: 1");
        for (int i = 0; i < 2; i++) {
            C2dRecord record = hub.hub().cloudToDevice().find("message_" + i).orElseThrow();
            assertThat(record.deviceId()).isEqualTo("myDevice");
            C2dMessage message = record.message();
            assertThat(message.correlationId()).isEqualTo("correlation_" + i);
            assertThat(message.properties()).containsEntry("testProperty", "PropMsg_" + i);
            assertThat(message.ack()).isEqualTo(AckMode.FULL);
            assertThat(message.bodyAsString()).isEqualTo("{\"service client sent a message\": 14.00}");
        }
    }

    @Test
    void waitsForAndReportsDeliveryFeedback() throws Exception {
        hub.hub().devices().create("offline");
        ServiceApp app = new ServiceApp(config("offline").withMessageCount(1).withFeedbackTimeout(WAIT));

        CompletableFuture<ServiceApp.Result> run = CompletableFuture.supplyAsync(app::run);
        await().atMost(WAIT).until(() -> hub.hub().cloudToDevice().find("message_0").isPresent());
        // Nobody receives it: past its 1-hour time to live the hub reports it Expired.
        hub.hub().clock().advance(Duration.ofHours(2));
        ServiceApp.Result result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.missingFeedback()).isEmpty();
        assertThat(result.feedback()).singleElement().satisfies(f -> {
            assertThat(f.originalMessageId()).isEqualTo("message_0");
            assertThat(f.statusCode()).isEqualTo("expired");
            assertThat(f.deviceId()).isEqualTo("offline");
        });
        assertThat(output()).contains("Feedback received: originalMessageId=message_0, statusCode=expired,"
                + " deviceId=offline, description=");
    }

    @Test
    void unknownDeviceIsReportedAsNotFound() {
        assertThatThrownBy(() -> new ServiceApp(config("ghost")).run())
                .isInstanceOfSatisfying(ServiceAppException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.DEVICE_NOT_FOUND);
                    assertThat(e.getMessage()).contains("'ghost'", "IotHubNotFoundException");
                });
    }

    @Test
    void commandLineReportsAnUnknownDeviceInOneLine(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>();
        env.put(ServiceApp.CONNECTION_STRING_VARIABLE, hub.hub().serviceConnectionString());
        env.put(ServiceApp.DEVICE_ID_VARIABLE, "ghost");
        env.put(ServiceApp.TRUSTED_CA_VARIABLE, hub.hub().trust().writeCaPem(dir.resolve("ca.pem")).toString());

        int code = ServiceAppMain.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(5);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: device 'ghost' was not found")
                .hasLineCount(1);
    }

    @Test
    void fullQueueIsReported() {
        hub.hub().devices().create("busy");
        for (int i = 0; i < 49; i++) {
            hub.hub().cloudToDevice().send("busy", C2dMessage.of("filler").messageId("filler-" + i));
        }

        assertThatThrownBy(() -> new ServiceApp(config("busy")).run())
                .isInstanceOfSatisfying(ServiceAppException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.QUEUE_FULL);
                    assertThat(e.getMessage()).contains("'busy'", "full");
                });
        // the 50th message fit; the second one did not
        assertThat(output().lines()).containsExactly("Sending message: 0", "Sending message: 1");
    }

    @Test
    void wrongKeyIsUnauthorized() {
        hub.hub().devices().create("dev");
        String badKey = "HostName=" + HOST + ";SharedAccessKeyName=iothubowner;SharedAccessKey="
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        ServiceApp.Config config = new ServiceApp.Config(badKey, "dev", hub.hub().trust().sslContext(), 2, null,
                new PrintStream(out, true, StandardCharsets.UTF_8), () -> 0.5);

        assertThatThrownBy(() -> new ServiceApp(config).run()).isInstanceOfSatisfying(ServiceAppException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED));
    }

    @Test
    void untrustedHubCertificateIsATlsError() {
        hub.hub().devices().create("dev");
        ServiceApp.Config config = ServiceApp.Config.of(hub.hub().serviceConnectionString(), "dev")
                .withOutput(new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new ServiceApp(config).run()).isInstanceOfSatisfying(ServiceAppException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
                    assertThat(e.getMessage()).contains("TLS", "IOTHUB_TRUSTED_CA_PEM");
                });
    }

    @Test
    void commandLineReportsMissingFeedback(@TempDir Path dir) {
        hub.hub().devices().create("silent");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>();
        env.put(ServiceApp.CONNECTION_STRING_VARIABLE, hub.hub().serviceConnectionString());
        env.put(ServiceApp.DEVICE_ID_VARIABLE, "silent");
        env.put(ServiceApp.TRUSTED_CA_VARIABLE, hub.hub().trust().writeCaPem(dir.resolve("ca.pem")).toString());
        env.put(ServiceApp.MESSAGE_COUNT_VARIABLE, "1");
        env.put(ServiceApp.FEEDBACK_TIMEOUT_VARIABLE, "1");

        int code = ServiceAppMain.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(7);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: no delivery feedback within 1 s for [message_0]").hasLineCount(1);
    }
}
