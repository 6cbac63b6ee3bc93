package io.github.iothubkit.fakehub.eventhub;

import java.time.Instant;

/**
 * Where a reader starts in a partition, as the Event Hubs clients' filters say it: after (or at) an
 * offset, a sequence number or an enqueued time; {@link #EARLIEST} and {@link #LATEST} are the offsets
 * {@code -1} and {@code @latest}.
 */
public record EventPosition(Kind kind, long value, boolean inclusive) {

    public enum Kind { OFFSET, SEQUENCE_NUMBER, ENQUEUED_TIME, LATEST }

    public static final EventPosition EARLIEST = new EventPosition(Kind.OFFSET, -1, false);
    public static final EventPosition LATEST = new EventPosition(Kind.LATEST, 0, false);

    public static EventPosition fromOffset(long offset, boolean inclusive) {
        return new EventPosition(Kind.OFFSET, offset, inclusive);
    }

    public static EventPosition fromSequenceNumber(long sequenceNumber, boolean inclusive) {
        return new EventPosition(Kind.SEQUENCE_NUMBER, sequenceNumber, inclusive);
    }

    public static EventPosition fromEnqueuedTime(Instant time, boolean inclusive) {
        return new EventPosition(Kind.ENQUEUED_TIME, time.toEpochMilli(), inclusive);
    }

    /** Whether an event lies at or after this position. */
    boolean admits(HubEvent e) {
        long mine = switch (kind) {
            case OFFSET -> e.offset();
            case SEQUENCE_NUMBER -> e.sequenceNumber();
            case ENQUEUED_TIME -> e.enqueuedTime().toEpochMilli();
            case LATEST -> throw new IllegalStateException("latest is resolved at attach");
        };
        return inclusive ? mine >= value : mine > value;
    }
}
