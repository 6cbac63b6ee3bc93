package io.github.iothubkit.fakehub.eventhub;

import io.github.iothubkit.fakehub.internal.Retention;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One partition's log: events in sequence-number order, numbered from 0 with contiguous sequence
 * numbers, so a reader's cursor indexes it directly. Retention drops from the head. Guarded by the
 * endpoint's lock.
 */
final class Partition {

    final String id;
    private final List<HubEvent> events = new ArrayList<>();
    /** Index in {@code events} of the oldest kept event; the list is compacted when half is dropped. */
    private int head;
    private long nextSequenceNumber;
    private long nextOffset;
    private HubEvent last;

    Partition(String id) {
        this.id = id;
    }

    long nextSequenceNumber() {
        return nextSequenceNumber;
    }

    long nextOffset() {
        return nextOffset;
    }

    HubEvent append(HubEvent event) {
        events.add(event);
        nextSequenceNumber = event.sequenceNumber() + 1;
        nextOffset = event.offset() + event.size();
        last = event;
        return event;
    }

    /** The sequence number of the oldest kept event, or {@code nextSequenceNumber} if none is kept. */
    long firstSequenceNumber() {
        return head < events.size() ? events.get(head).sequenceNumber() : nextSequenceNumber;
    }

    /** Up to {@code max} events from sequence number {@code from} on (or from the oldest kept, if that is later). */
    List<HubEvent> from(long from, int max) {
        long first = firstSequenceNumber();
        long start = head + Math.max(0, from - first);
        int end = (int) Math.min(events.size(), start + Math.max(0, max));
        return start >= end ? List.of() : List.copyOf(events.subList((int) start, end));
    }

    /** The sequence number of the first kept event at or after {@code position}. */
    long start(EventPosition position) {
        if (position.kind() == EventPosition.Kind.LATEST) {
            return nextSequenceNumber;
        }
        for (int i = head; i < events.size(); i++) { // positions are resolved once per attach
            if (position.admits(events.get(i))) {
                return events.get(i).sequenceNumber();
            }
        }
        return nextSequenceNumber;
    }

    void prune(Retention retention, Instant now) {
        while (head < events.size() && retention.drops(events.size() - head, events.get(head).enqueuedTime(), now)) {
            events.set(head++, null);
        }
        if (head > 1024 && head * 2 > events.size()) {
            events.subList(0, head).clear();
            head = 0;
        }
    }

    PartitionProperties properties(String entity) {
        if (last == null) {
            return new PartitionProperties(entity, id, -1, -1, -1, Instant.EPOCH, true);
        }
        boolean empty = head >= events.size();
        return new PartitionProperties(entity, id, empty ? nextSequenceNumber : firstSequenceNumber(),
                last.sequenceNumber(), last.offset(), last.enqueuedTime(), empty);
    }

    void clear() {
        events.clear();
        head = 0;
        nextSequenceNumber = 0;
        nextOffset = 0;
        last = null;
    }
}
