package io.github.iothubkit.fakehub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Retention;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The telemetry history keeps what retention allows, and a wait that needs dropped messages says so. */
class TelemetryRetentionTest {

    private final HubClock clock = HubClock.manual(Instant.parse("2026-01-01T00:00:00Z"));

    private void record(Telemetry telemetry, String deviceId, String messageId) {
        telemetry.record(new TelemetryMessage(deviceId, "devices/" + deviceId + "/messages/events/",
                "{}".getBytes(StandardCharsets.UTF_8), Map.of("$.mid", messageId), Map.of(), clock.now()));
    }

    @Test
    void keepsTheLastMessagesAndSaysHowManyOfADeviceWentWhenAWaitFails() {
        Telemetry telemetry = new Telemetry(clock, new Retention(3, null));
        for (int i = 0; i < 5; i++) {
            record(telemetry, "dev1", "t" + i);
        }
        record(telemetry, "dev2", "u0");
        assertThat(telemetry.messages()).extracting(TelemetryMessage::messageId).containsExactly("t3", "t4", "u0");
        assertThat(telemetry.messages("dev1")).extracting(TelemetryMessage::messageId).containsExactly("t3", "t4");
        assertThatThrownBy(() -> telemetry.await("dev1", 5, Duration.ZERO)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("received 2")
                .hasMessageContaining("Retention dropped 3 older messages of this device from the history (the hub"
                        + " keeps the last 3 telemetry messages)");
        assertThat(telemetry.droppedNote("dev2")).isEmpty();
        telemetry.reset();
        assertThat(telemetry.droppedNote("dev1")).isEmpty();
    }

    @Test
    void theAgeLimitDropsOldMessagesEvenOnAQuietHub() {
        Telemetry telemetry = new Telemetry(clock, new Retention(100, Duration.ofMinutes(1)));
        record(telemetry, "dev1", "old");
        clock.advance(Duration.ofSeconds(30));
        record(telemetry, "dev1", "new");
        clock.advance(Duration.ofSeconds(45));
        assertThat(telemetry.messages("dev1")).extracting(TelemetryMessage::messageId).containsExactly("new");
        assertThatThrownBy(() -> telemetry.awaitMatching("dev1", m -> "old".equals(m.messageId()), Duration.ZERO))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Retention dropped 1 older messages");
    }
}
