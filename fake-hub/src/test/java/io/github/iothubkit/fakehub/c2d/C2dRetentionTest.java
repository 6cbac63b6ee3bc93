package io.github.iothubkit.fakehub.c2d;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Retention;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.session.DeviceSessions;
import io.github.iothubkit.fakehub.session.StubLink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The C2D history's retention: finished messages go oldest first, live ones always stay. No sockets. */
class C2dRetentionTest {

    private final HubClock clock = HubClock.manual(Instant.parse("2026-01-01T00:00:00Z"));
    private final DeviceRegistry registry = new DeviceRegistry("127.0.0.1");
    private final FeedbackJournal feedback = new FeedbackJournal(clock);
    private List<Delivery> delivered = List.of();

    @BeforeEach
    void register() {
        registry.create("d");
        registry.create("idle"); // never connects: its messages stay live
    }

    private CloudToDevice hub(Retention retention) {
        DeviceSessions sessions = new DeviceSessions();
        CloudToDevice c2d = new CloudToDevice(registry, clock, CloudToDevice.Limits.IOT_HUB, feedback, retention,
                sessions, C2dPolicy.NONE);
        delivered = StubLink.connect(sessions, "d", true).deliveries;
        return c2d;
    }

    /** Sends to the connected device and completes at once. */
    private void sendAndComplete(CloudToDevice c2d, String messageId) {
        C2dRecord sent = c2d.send("d", C2dMessage.of("x").messageId(messageId));
        c2d.complete("d", sent.sequence());
        assertThat(delivered).extracting(d -> d.message().messageId()).contains(messageId);
    }

    @Test
    void keepsTheLastFinishedMessagesByCountAndEveryLiveOne() {
        CloudToDevice c2d = hub(new Retention(3, null));
        for (int i = 0; i < 5; i++) {
            c2d.send("idle", C2dMessage.of("x").messageId("live" + i));
        }
        for (int i = 0; i < 10; i++) {
            sendAndComplete(c2d, "m" + i);
        }
        assertThat(c2d.records()).extracting(C2dRecord::messageId)
                .containsExactly("live0", "live1", "live2", "live3", "live4", "m7", "m8", "m9");
        assertThat(c2d.find("m6")).isEmpty();
        assertThat(c2d.find("live0")).get().extracting(C2dRecord::outcome).isEqualTo(C2dOutcome.ENQUEUED);
        assertThat(c2d.queued("idle")).hasSize(5);
        assertThat(c2d.explainMissing("m0")).contains("retention dropped it", "the last 3 finished C2D messages",
                "has dropped 7 so far");
        assertThat(c2d.droppedNote()).contains("Retention dropped 7 older finished C2D messages");
    }

    @Test
    void aLiveMessageThatFinishesLaterIsDroppedInTheOrderItFinished() {
        CloudToDevice c2d = hub(new Retention(1, null));
        c2d.send("idle", C2dMessage.of("x").messageId("old"));
        sendAndComplete(c2d, "a");
        assertThat(c2d.records()).extracting(C2dRecord::messageId).containsExactly("old", "a");
        c2d.purge("idle"); // "old" finishes after "a": "a" is now the oldest finished
        assertThat(c2d.records()).extracting(C2dRecord::messageId).containsExactly("old");
        assertThat(c2d.find("old")).get().extracting(C2dRecord::outcome).isEqualTo(C2dOutcome.PURGED);
    }

    @Test
    void dropsFinishedMessagesOlderThanTheAgeLimitButNotLiveOnes() {
        CloudToDevice c2d = hub(new Retention(1000, Duration.ofMinutes(10)));
        c2d.send("idle", C2dMessage.of("x").messageId("waiting"));
        sendAndComplete(c2d, "early");
        clock.advance(Duration.ofMinutes(5));
        sendAndComplete(c2d, "later");
        clock.advance(Duration.ofMinutes(6));
        assertThat(c2d.records()).extracting(C2dRecord::messageId).containsExactly("waiting", "later");
        assertThat(c2d.explainMissing("early")).contains("retention dropped it", "none older than PT10M");
    }

    @Test
    void aZeroLimitKeepsOnlyLiveMessagesAndAnAwaitOnADroppedOneSaysSo() {
        CloudToDevice c2d = hub(new Retention(0, null));
        sendAndComplete(c2d, "gone");
        c2d.send("idle", C2dMessage.of("x").messageId("kept"));
        assertThat(c2d.records()).extracting(C2dRecord::messageId).containsExactly("kept");
        assertThatThrownBy(() -> c2d.awaitOutcome("gone", C2dOutcome.COMPLETED, Duration.ZERO))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("retention dropped it from the history (the hub keeps the last 0 finished");
    }

    @Test
    void anIdThatWasNeverSentIsToldApartFromADroppedOne() {
        CloudToDevice c2d = hub(new Retention(1, null));
        assertThat(c2d.explainMissing("nope")).isEqualTo("no message with that id was sent");
        assertThat(c2d.droppedNote()).isEmpty();
        sendAndComplete(c2d, "a");
        sendAndComplete(c2d, "b");
        assertThat(c2d.explainMissing("nope")).contains("it is not in the history", "may have been one of them");
        c2d.reset();
        assertThat(c2d.explainMissing("a")).isEqualTo("no message with that id was sent");
    }

    @Test
    void aResentIdIsFoundAgainAndItsOlderCopyDropsWithoutTakingTheNewOne() {
        CloudToDevice c2d = hub(new Retention(1, null));
        sendAndComplete(c2d, "same");
        c2d.send("idle", C2dMessage.of("y").messageId("same"));
        sendAndComplete(c2d, "other"); // drops the first "same"
        assertThat(c2d.find("same")).get().extracting(C2dRecord::deviceId).isEqualTo("idle");
    }

    @Test
    void expiryAndFeedbackStillWorkWhileRetentionDrops() {
        CloudToDevice c2d = hub(new Retention(0, null));
        c2d.send("idle", C2dMessage.of("x").messageId("e").ack(AckMode.FULL).expiryTime(clock.now().plusSeconds(60)));
        sendAndComplete(c2d, "done");
        clock.advance(Duration.ofMinutes(2));
        c2d.expireDue();
        assertThat(c2d.find("e")).isEmpty(); // expired, so finished, so dropped at once
        assertThat(feedback.records()).extracting(FeedbackRecord::originalMessageId, FeedbackRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e", FeedbackStatus.EXPIRED));
        assertThat(c2d.queued("idle")).isEmpty();
    }
}
