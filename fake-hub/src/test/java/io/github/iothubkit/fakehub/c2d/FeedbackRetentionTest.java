package io.github.iothubkit.fakehub.c2d;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Retention;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The feedback history keeps what retention allows; the outbox (live feedback) is never cut by it. */
class FeedbackRetentionTest {

    private final HubClock clock = HubClock.manual(Instant.parse("2026-01-01T00:00:00Z"));

    private FeedbackRecord record(String messageId) {
        return new FeedbackRecord(messageId, "d", "g", FeedbackStatus.SUCCESS, "Success", clock.now());
    }

    @Test
    void theHistoryKeepsTheLastRecordsAndTheOutboxKeepsThemAll() {
        FeedbackJournal journal = new FeedbackJournal(clock, new Retention(2, null));
        for (int i = 0; i < 5; i++) {
            journal.add(record("m" + i));
        }
        assertThat(journal.records()).extracting(FeedbackRecord::originalMessageId).containsExactly("m3", "m4");
        assertThat(journal.pending()).isEqualTo(5);
        assertThat(journal.take(10)).extracting(FeedbackRecord::originalMessageId)
                .containsExactly("m0", "m1", "m2", "m3", "m4");
    }

    @Test
    void anAwaitOnADroppedRecordSaysRetentionDroppedIt() {
        FeedbackJournal journal = new FeedbackJournal(clock, new Retention(1, null));
        journal.add(record("a"));
        journal.add(record("b"));
        assertThat(journal.await("b", FeedbackStatus.SUCCESS, Duration.ZERO).originalMessageId()).isEqualTo("b");
        assertThatThrownBy(() -> journal.await("a", FeedbackStatus.SUCCESS, Duration.ZERO))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("retention dropped it from the history (the hub keeps the last 1 feedback records"
                        + " and has dropped 1 so far)");
        assertThat(journal.droppedNote("never")).contains("it is not in the history");
        journal.reset();
        assertThat(journal.droppedNote("a")).isEmpty();
    }

    @Test
    void theAgeLimitDropsOldRecords() {
        FeedbackJournal journal = new FeedbackJournal(clock, new Retention(100, Duration.ofMinutes(1)));
        journal.add(record("old"));
        clock.advance(Duration.ofMinutes(2));
        journal.add(record("new"));
        assertThat(journal.records()).extracting(FeedbackRecord::originalMessageId).containsExactly("new");
    }

    @Test
    void feedbackNobodyTookGoesFromTheOutboxAfterAnHourAsTheRealHubDoes() {
        FeedbackJournal journal = new FeedbackJournal(clock);
        journal.add(record("stale"));
        clock.advance(Duration.ofMinutes(61));
        journal.add(record("fresh"));
        assertThat(journal.pending()).isEqualTo(1);
        assertThat(journal.take(10)).extracting(FeedbackRecord::originalMessageId).containsExactly("fresh");
    }
}
