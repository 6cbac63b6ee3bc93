package io.github.iothubkit.fakehub.c2d;

import java.util.List;

/**
 * The outbox side of {@link FeedbackJournal}: the records no feedback receiver has taken yet, for the
 * adapter that sends them. Hub SPI: reached through the adapters' context, never from the hub's public API.
 */
public final class FeedbackOutbox {

    private final FeedbackJournal journal;

    private FeedbackOutbox(FeedbackJournal journal) {
        this.journal = journal;
    }

    public static FeedbackOutbox of(FeedbackJournal journal) {
        return new FeedbackOutbox(journal);
    }

    /** Runs {@code listener} whenever a record enters the outbox. */
    public void onAvailable(Runnable listener) {
        journal.onAvailable(listener);
    }

    /** Takes up to {@code max} records from the outbox, oldest first, skipping stale ones. */
    public List<FeedbackRecord> take(int max) {
        return journal.take(max);
    }

    /** Returns a batch that a receiver released, to be sent again first. */
    public void putBack(List<FeedbackRecord> batch) {
        journal.putBack(batch);
    }

    /** How many records wait in the outbox. */
    public int pending() {
        return journal.pending();
    }
}
