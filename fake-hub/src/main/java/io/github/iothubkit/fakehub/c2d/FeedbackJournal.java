package io.github.iothubkit.fakehub.c2d;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Monitors;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Delivery feedback: every record the hub produced (for tests to read and await), and the outbox of
 * records not yet taken by a feedback receiver (for the AMQP adapter).
 */
public final class FeedbackJournal {

    /** IoT Hub keeps undelivered feedback for one hour by default. */
    private static final Duration FEEDBACK_TTL = Duration.ofHours(1);

    private final HubClock clock;
    private final List<FeedbackRecord> all = new ArrayList<>();
    private final Deque<FeedbackRecord> outbox = new ArrayDeque<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public FeedbackJournal(HubClock clock) {
        this.clock = clock;
    }

    /** Every feedback record produced so far, oldest first. */
    public synchronized List<FeedbackRecord> records() {
        return List.copyOf(all);
    }

    /**
     * Waits for a feedback record for the message with the given id and status.
     *
     * @throws AssertionError after the timeout, listing the feedback that did arrive
     */
    public FeedbackRecord await(String originalMessageId, FeedbackStatus status, Duration timeout) {
        synchronized (this) {
            return Monitors.await(this, timeout, () -> all.stream()
                    .filter(r -> r.status() == status && r.originalMessageId().equals(originalMessageId))
                    .findFirst().orElse(null), () -> "Expected feedback " + status.wireName() + " for message '"
                    + originalMessageId + "' within " + timeout.toMillis() + " ms, but the feedback so far is "
                    + describe(all), "feedback");
        }
    }

    void add(FeedbackRecord record) {
        synchronized (this) {
            all.add(record);
            outbox.addLast(record);
            notifyAll();
        }
        listeners.forEach(Runnable::run);
    }

    /** See {@link FeedbackOutbox}. */
    void onAvailable(Runnable listener) {
        listeners.add(listener);
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
