package io.github.iothubkit.fakehub.assertj;

import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static io.github.iothubkit.fakehub.assertj.MessagePattern.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.c2d.FeedbackStatus;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import io.github.iothubkit.fakehub.telemetry.Recorded;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The assertions' passing paths, and their waits, driven through the hub's in-process API. */
class FakeIotHubAssertionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().host("127.0.0.85").manualClock().build();

    private static TelemetryMessage telemetry(String deviceId, String body, Map<String, String> properties) {
        return new TelemetryMessage(deviceId, "devices/" + deviceId + "/messages/events/",
                body.getBytes(StandardCharsets.UTF_8), Map.of("$.mid", "tm-1"), properties, hub.hub().clock().now());
    }

    @Test
    void waitsForTelemetryThatArrivesLater() {
        CompletableFuture.runAsync(() -> Recorded.record(hub.hub().telemetry(), telemetry("dev1", "{\"t\":21}", Map.of("alert", "high"))));

        TelemetryMessage got = assertThat(hub.hub()).telemetry("dev1")
                .hasMessage(message().property("alert", "high").body("{\"t\":21}")).within(WAIT);

        assertThat(got).isFrom("dev1").hasMessageId("tm-1").hasProperty("alert", "high").hasBody("{\"t\":21}");
        assertThat(hub.hub()).telemetry("dev1").hasMessageMatching(m -> m.bodyAsString().contains("21")).now();
        assertThat(assertThat(hub.hub()).telemetry("dev1").hasReceived(1).now()).hasSize(1);
        assertThat(hub.hub()).telemetry("dev1").messages().hasSize(1);
    }

    @Test
    void c2dOutcomesAndFeedback() {
        hub.hub().devices().create("dev1");
        hub.hub().cloudToDevice().send("dev1", C2dMessage.of("x").messageId("m1").ack(AckMode.FULL)
                .expiryTime(hub.hub().clock().now().plusSeconds(5)));
        CompletableFuture.runAsync(() -> hub.hub().clock().advance(Duration.ofSeconds(10)));

        C2dRecord expired = assertThat(hub.hub()).c2d("m1").hasOutcome(C2dOutcome.EXPIRED).within(WAIT);

        assertThat(expired).hasOutcome(C2dOutcome.EXPIRED).wentThrough(C2dOutcome.ENQUEUED, C2dOutcome.EXPIRED)
                .isFor("dev1").hasMessageId("m1").hasBody("x").hasDeliveryCount(0);
        assertThat(hub.hub()).feedback("m1").hasStatus(FeedbackStatus.EXPIRED).within(WAIT);
        assertThat(hub.hub()).device("dev1").receivedC2d().isEmpty();
    }

    @Test
    void recordAssertionsFailWithTheField() {
        hub.hub().devices().create("dev1");
        C2dRecord r = hub.hub().cloudToDevice().send("dev1", C2dMessage.of("x").messageId("m1").property("k", "v"));
        assertThatThrownBy(() -> assertThat(r).hasProperty("k", "w"))
                .hasMessage("Expected C2D message 'm1' to have property k: w but it has property k: v");
        assertThatThrownBy(() -> assertThat(r).hasOutcome(C2dOutcome.COMPLETED))
                .hasMessage("Expected C2D message 'm1' to be COMPLETED but it is ENQUEUED (outcomes [ENQUEUED])");
    }

    @Test
    void awaitingRestoresTheInterruptFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> assertThat(hub.hub()).feedback("none").hasStatus(FeedbackStatus.SUCCESS).within(WAIT))
                    .isInstanceOf(AssertionError.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
