package io.github.iothubkit.fakehub.assertj;

import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static io.github.iothubkit.fakehub.assertj.MessagePattern.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.FeedbackStatus;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import io.github.iothubkit.fakehub.telemetry.Recorded;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The exact text of assertion failures, against golden files in {@code failure-messages/}. After a
 * deliberate change, regenerate them with {@code -Dfakehub.golden.update=true} and review the diff.
 */
class FailureMessagesTest {

    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().host("127.0.0.84").manualClock().build();

    private static void record(String deviceId, String messageId, String body, Map<String, String> properties) {
        Recorded.record(hub.hub().telemetry(), new TelemetryMessage(deviceId, "devices/" + deviceId + "/messages/events/",
                body.getBytes(StandardCharsets.UTF_8), Map.of("$.mid", messageId, "$.ct", "application/json"),
                properties, hub.hub().clock().now()));
    }

    private static void matchesGolden(String name, ThrowingCallable failing) throws IOException {
        AssertionError error = catchThrowableOfType(AssertionError.class, failing);
        assertThat(error).as("the assertion should have failed").isNotNull();
        String actual = error.getMessage();
        if (Boolean.getBoolean("fakehub.golden.update")) {
            Files.writeString(Path.of("src/test/resources/failure-messages", name + ".txt"), actual + "\n");
            return;
        }
        try (InputStream in = FailureMessagesTest.class.getResourceAsStream("/failure-messages/" + name + ".txt")) {
            assertThat(in).as("golden file failure-messages/%s.txt (create it with -Dfakehub.golden.update=true)", name)
                    .isNotNull();
            String golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
            assertThat(actual + "\n").isEqualTo(golden);
        }
    }

    @Test
    void telemetryNearMissShowsTheClosestMessagesFieldByField() throws IOException {
        record("dev1", "tm-1", "{\"t\":20}", Map.of("alert", "low"));
        record("dev1", "tm-2", "{\"t\":21}", Map.of("alert", "high", "zone", "b"));
        record("dev1", "tm-3", "{\"t\":99}", Map.of());
        record("dev2", "tm-9", "{\"t\":21}", Map.of("alert", "high"));
        matchesGolden("telemetry-near-miss", () -> assertThat(hub.hub()).telemetry("dev1")
                .hasMessage(message().messageId("tm-9").property("alert", "high").body("{\"t\":21}")).now());
    }

    @Test
    void telemetryPredicateListsWhatTheDeviceSent() throws IOException {
        record("dev1", "tm-1", "{\"t\":20}", Map.of("alert", "low"));
        matchesGolden("telemetry-predicate", () -> assertThat(hub.hub()).telemetry("dev1")
                .hasMessageMatching(m -> m.bodyAsString().contains("99")).now());
    }

    @Test
    void c2dOutcomeNotReachedSaysWhereTheMessageIs() throws IOException {
        hub.hub().devices().create("dev1");
        hub.hub().cloudToDevice().send("dev1", C2dMessage.of("x").messageId("m1").ack(AckMode.FULL));
        matchesGolden("c2d-outcome-not-reached", () -> assertThat(hub.hub()).c2d("m1")
                .hasOutcome(C2dOutcome.COMPLETED).now());
    }

    @Test
    void c2dUnknownIdSuggestsTheClosestIds() throws IOException {
        hub.hub().devices().create("dev1");
        for (String id : new String[] {"order-1", "invoice-7", "order-2"}) {
            hub.hub().cloudToDevice().send("dev1", C2dMessage.of("x").messageId(id));
        }
        matchesGolden("c2d-unknown-id", () -> assertThat(hub.hub()).c2d("order-3")
                .hasOutcome(C2dOutcome.DELIVERED).now());
    }

    @Test
    void deviceReceivedC2dNearMissMarksTheDifferingFields() throws IOException {
        hub.hub().devices().create("dev1");
        hub.hub().cloudToDevice().send("dev1", C2dMessage.of("on").messageId("m1").property("cmd", "light"));
        hub.hub().cloudToDevice().send("dev1", C2dMessage.of("off").messageId("m2").property("cmd", "fan"));
        matchesGolden("device-received-c2d-near-miss", () -> assertThat(hub.hub()).device("dev1")
                .receivedC2d(message().property("cmd", "light").body("off")).now());
    }

    @Test
    void feedbackThatWasNeverAskedForSaysSo() throws IOException {
        hub.hub().devices().create("dev1");
        hub.hub().cloudToDevice().send("dev1", C2dMessage.of("x").messageId("m1"));
        matchesGolden("feedback-not-asked-for", () -> assertThat(hub.hub()).feedback("m1")
                .hasStatus(FeedbackStatus.SUCCESS).now());
    }
}
