package io.github.iothubkit.fakehub.c2d;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Forgotten;
import io.github.iothubkit.fakehub.internal.Retention;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every C2D message sent since start (or the last reset), in send order, and the latest one by id, for
 * tests to read and await. Live messages are always kept; of the finished ones (a final outcome) only
 * what the {@link Retention} allows, oldest finished dropped first. Thread-safe; it never takes a queue's
 * lock, so a queue may call it while holding its own.
 */
final class C2dHistory {

    static final String ITEMS = "finished C2D messages";

    private final HubClock clock;
    private final Retention retention;
    private final Map<Long, C2dEntry> bySequence = new LinkedHashMap<>();
    private final Map<String, C2dEntry> latestById = new HashMap<>();
    /** The finished entries still kept, in the order they finished: the next to drop is first. */
    private final Deque<C2dEntry> finished = new ArrayDeque<>();
    private final Forgotten forgotten = new Forgotten();

    C2dHistory(HubClock clock, Retention retention) {
        this.clock = clock;
        this.retention = retention;
    }

    synchronized void add(C2dEntry e) {
        bySequence.put(e.sequence, e);
        latestById.put(e.messageId(), e);
    }

    /** {@code e} reached a final outcome (its queue holds its lock, so {@code e.finished} is set). */
    synchronized void finished(C2dEntry e) {
        if (bySequence.containsKey(e.sequence)) { // not if a reset came between send and outcome
            finished.addLast(e);
            prune();
        }
    }

    synchronized C2dEntry latest(String messageId) {
        prune();
        return latestById.get(messageId);
    }

    /** The entries kept, in send order. */
    synchronized List<C2dEntry> entries() {
        prune();
        return new ArrayList<>(bySequence.values());
    }

    /** The ids of the last {@code n} messages sent, for failure messages. */
    synchronized List<String> latestIds(int n) {
        List<String> ids = new ArrayList<>(n);
        int skip = bySequence.size() - n;
        for (C2dEntry e : bySequence.values()) {
            if (skip-- <= 0) {
                ids.add(e.messageId());
            }
        }
        return ids;
    }

    /** Why no message with this id is kept, in words. */
    synchronized String explainMissing(String messageId) {
        String dropped = forgotten.explain(messageId, retention, ITEMS);
        return dropped != null ? dropped : "no message with that id was sent";
    }

    /** Empty unless retention dropped something: then a sentence saying how much and why. */
    synchronized String note() {
        return forgotten.note(retention, ITEMS);
    }

    synchronized void reset() {
        bySequence.clear();
        latestById.clear();
        finished.clear();
        forgotten.clear();
    }

    private void prune() {
        while (!finished.isEmpty() && retention.drops(finished.size(), finished.peekFirst().finished, clock.now())) {
            C2dEntry e = finished.pollFirst();
            bySequence.remove(e.sequence);
            latestById.remove(e.messageId(), e);
            forgotten.add(e.messageId());
        }
    }
}
