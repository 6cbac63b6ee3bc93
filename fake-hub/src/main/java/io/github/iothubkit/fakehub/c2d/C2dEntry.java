package io.github.iothubkit.fakehub.c2d;

import io.github.iothubkit.fakehub.session.DeviceLink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The hub's mutable state of one C2D message; its {@link DeviceQueue}'s lock guards the mutable fields. */
final class C2dEntry {

    /** Due first, then send order: the order {@link CloudToDevice#expireDue} finds due messages in. */
    static final Comparator<C2dEntry> BY_EXPIRY = Comparator.comparing((C2dEntry e) -> e.expiry)
            .thenComparingLong(e -> e.sequence);

    final long sequence;
    final DeviceQueue queue;
    final C2dMessage message;
    final String generationId;
    final Instant enqueued;
    final Instant expiry;
    final List<C2dOutcome> outcomes = new ArrayList<>(4);
    int deliveries;
    /** Fell due while the device held it: expires if it comes back unacknowledged. */
    boolean lockedWhenDue;
    /** While delivered over a transport with locks (AMQP): when the lock runs out and the message is abandoned. */
    Instant lockedUntil;
    /** When it reached a final outcome (COMPLETED, EXPIRED, PURGED); null while it is live. */
    Instant finished;
    /** The session an in-flight message was pushed to; null while queued. */
    DeviceLink heldBy;

    C2dEntry(long sequence, DeviceQueue queue, C2dMessage message, String generationId, Instant enqueued,
            Instant expiry) {
        this.sequence = sequence;
        this.queue = queue;
        this.message = message;
        this.generationId = generationId;
        this.enqueued = enqueued;
        this.expiry = expiry;
    }

    String messageId() {
        return message.messageId();
    }
}
