package io.github.iothubkit.fakehub.c2d;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.BoundedLog;
import io.github.iothubkit.fakehub.internal.Monitors;
import io.github.iothubkit.fakehub.internal.Retention;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Delivery feedback: the records the hub produced (for tests to read and await; as many as the
 * {@link Retention} keeps), and the outbox of records not yet taken by a feedback receiver (for the AMQP
 * adapter). Retention never touches the outbox: a record leaves it when taken, or when it is an hour
 * old, as on the real hub.
 */
public final class FeedbackJournal {

    /** IoT Hub keeps undelivered feedback for one hour by default. */
    private static final Duration FEEDBACK_TTL = Duration.ofHours(1);

    private final HubClock clock;
    private final BoundedLog<FeedbackRecord> all;
    private final Deque<FeedbackRecord> outbox = new ArrayDeque<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public FeedbackJournal(HubClock clock) {
        this(clock, Retention.DEFAULT);
    }

    /** @param retention how many feedback records (and for how long) {@link #records} keeps */
    public FeedbackJournal(HubClock clock, Retention retention) {
        this.clock = clock;
        this.all = new BoundedLog<>(retention, FeedbackRecord::enqueuedTime, FeedbackRecord::originalMessageId,
                r -> { });
    }

    /** The feedback records produced so far that retention keeps (by default the last 100,000), oldest first. */
    public synchronized List<FeedbackRecord> records() {
        return List.copyOf(all.items(clock.now()));
    }

    /**
     * Waits for a feedback record for the message with the given id and status.
     *
     * @throws AssertionError after the timeout, listing the feedback that did arrive
     */
    public FeedbackRecord await(String originalMessageId, FeedbackStatus status, Duration timeout) {
        synchronized (this) {
            return Monitors.await(this, timeout, () -> find(originalMessageId, status),
                    () -> "Expected feedback " + status.wireName() + " for message '" + originalMessageId + "' within "
                            + timeout.toMillis() + " ms, but the feedback so far is " + describe(all.items(clock.now()))
                            + droppedNote(originalMessageId), "feedback");
        }
    }

    /**
     * Empty unless retention dropped feedback records: then a sentence saying so, and whether one for
     * this message id was among them.
     */
    public synchronized String droppedNote(String originalMessageId) {
        String why = all.forgotten().explain(originalMessageId, all.retention(), "feedback records");
        return why == null ? "" : ". Feedback for that message id: " + why;
    }

    private FeedbackRecord find(String originalMessageId, FeedbackStatus status) {
        all.prune(clock.now()); // the age limit holds for a wait too
        for (FeedbackRecord r : all.view()) {
            if (r.status() == status && r.originalMessageId().equals(originalMessageId)) {
                return r;
            }
        }
        return null;
    }

    void add(FeedbackRecord record) {
        synchronized (this) {
            Instant now = clock.now();
            all.add(record, now);
            dropStale(now);
            outbox.addLast(record);
            notifyAll();
        }
        listeners.forEach(Runnable::run);
    }

    /** See {@link FeedbackOutbox}. */
    void onAvailable(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Stale records at the head of the outbox go now rather than at the next take, so that a hub with no
     * feedback receiver holds at most an hour of feedback.
     */
    private void dropStale(Instant now) {
        Instant oldest = now.minus(FEEDBACK_TTL);
        while (!outbox.isEmpty() && outbox.peekFirst().enqueuedTime().isBefore(oldest)) {
            outbox.pollFirst();
        }
    }

    /** See {@link FeedbackOutbox}. */
    synchronized List<FeedbackRecord> take(int max) {
        Instant oldest = clock.now().minus(FEEDBACK_TTL);
        List<FeedbackRecord> batch = new ArrayList<>(Math.min(max, outbox.size()));
        while (batch.size() < max && !outbox.isEmpty()) {
            FeedbackRecord r = outbox.pollFirst();
            if (!r.enqueuedTime().isBefore(oldest)) {
                batch.add(r);
            }
        }
        return batch;
    }

    /** See {@link FeedbackOutbox}. */
    void putBack(List<FeedbackRecord> batch) {
        synchronized (this) {
            for (int i = batch.size() - 1; i >= 0; i--) {
                outbox.addFirst(batch.get(i));
            }
        }
        listeners.forEach(Runnable::run);
    }

    /** See {@link FeedbackOutbox}. */
    synchronized int pending() {
        return outbox.size();
    }

    /** Pending feedback is dropped when its device is deleted, as on the real hub. */
    synchronized void dropDevice(String deviceId) {
        outbox.removeIf(r -> r.deviceId().equals(deviceId));
    }

    /** Forgets all feedback (between tests). */
    public synchronized void reset() {
        all.clear();
        outbox.clear();
    }

    private static String describe(List<FeedbackRecord> records) {
        if (records.isEmpty()) {
            return "empty";
        }
        StringBuilder s = new StringBuilder();
        records.stream().limit(20).forEach(r -> s.append("\n  ").append(r.status().wireName())
                .append(" for '").append(r.originalMessageId()).append("' (device ").append(r.deviceId()).append(')'));
        if (records.size() > 20) {
            s.append("\n  ... and ").append(records.size() - 20).append(" more");
        }
        return s.toString();
    }
}
