package io.github.iothubkit.fakehub.c2d;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.session.DeviceLink;
import io.github.iothubkit.fakehub.session.DeviceSessions;
import io.github.iothubkit.fakehub.session.Feature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One device's C2D queue, the owner of its messages' transitions: ENQUEUED, DELIVERED (at most
 * {@code maxInFlight} at a time, to the device's current session while it subscribes to C2D, as
 * {@link DeviceSessions} knows it), back to ENQUEUED when the session that held it goes, and a final
 * COMPLETED, EXPIRED or PURGED with the feedback its ack mode asks for. Every method runs under the
 * queue's lock; the lock is also what orders deliveries on the session.
 */
final class DeviceQueue {

    /** IoT Hub's default max delivery count for C2D messages. */
    static final int MAX_DELIVERY_COUNT = 10;

    /** What the queues of one hub share. {@code finished} runs (under the queue's lock) on every final outcome. */
    record Shared(HubClock clock, CloudToDevice.Limits limits, FeedbackJournal feedback, AtomicLong sequences,
            Consumer<C2dEntry> accepted, Consumer<C2dEntry> finished, DeviceSessions sessions, C2dPolicy policy) {
    }

    final String deviceId;
    private final Shared shared;
    private final Deque<C2dEntry> pending = new ArrayDeque<>();
    private final Map<Long, C2dEntry> inFlight = new LinkedHashMap<>();

    DeviceQueue(String deviceId, Shared shared) {
        this.deviceId = deviceId;
        this.shared = shared;
    }

    /**
     * Accepts a message: ENQUEUED, then at once EXPIRED if its expiry has passed, else delivered if it can be.
     *
     * @throws QueueFullException if the device already has {@code maxQueueDepth} messages
     */
    synchronized C2dEntry enqueue(C2dMessage message, String generationId, Instant now, Instant expiry) {
        int max = shared.limits().maxQueueDepth();
        if (depth() >= max) {
            throw new QueueFullException(deviceId, "ErrorCode:DeviceMaximumQueueDepthExceeded;Device '" + deviceId
                    + "' already has " + depth() + " messages queued (the limit is " + max + ")");
        }
        C2dEntry e = new C2dEntry(shared.sequences().incrementAndGet(), this, message, generationId, now, expiry);
        shared.accepted().accept(e);
        pending.addLast(e);
        e.outcomes.add(C2dOutcome.ENQUEUED);
        if (!expiry.isAfter(now)) {
            expire(e);
        } else {
            pump();
        }
        return e;
    }

    /** Delivers from the head while the session has room; a message found expired on the way expires. */
    synchronized void pump() {
        DeviceLink link = shared.sessions().subscribedLink(deviceId, Feature.C2D);
        if (link == null) {
            return;
        }
        Duration delay = shared.policy().deliveryDelay(deviceId);
        Instant now = shared.clock().now();
        while (inFlight.size() < shared.limits().maxInFlight() && !pending.isEmpty()) {
            C2dEntry e = pending.pollFirst();
            if (!e.expiry.isAfter(now)) {
                pending.addFirst(e);
                expire(e);
                continue;
            }
            inFlight.put(e.sequence, e);
            e.outcomes.add(C2dOutcome.DELIVERED);
            e.deliveries++;
            e.heldBy = link;
            link.deliver(new Delivery(e.sequence, e.message, e.deliveries > 1, delay));
        }
    }

    /**
     * The in-flight messages {@code which} picks (those of a session that went or stopped listening) go back
     * to the head, in order; expired ones expire.
     */
    synchronized void requeueInFlight(Predicate<C2dEntry> which) {
        List<C2dEntry> held = new ArrayList<>();
        for (Iterator<C2dEntry> it = inFlight.values().iterator(); it.hasNext(); ) {
            C2dEntry e = it.next();
            if (which.test(e)) {
                held.add(e);
                it.remove();
            }
        }
        Instant now = shared.clock().now();
        for (int i = held.size() - 1; i >= 0; i--) {
            C2dEntry e = held.get(i);
            e.lockedUntil = null;
            e.heldBy = null;
            pending.addFirst(e);
            e.outcomes.add(C2dOutcome.ENQUEUED);
            if (e.lockedWhenDue || !e.expiry.isAfter(now)) {
                expire(e);
            }
        }
    }

    /** The device acknowledged a message; false if it was no longer live (a duplicate ack changes nothing). */
    synchronized boolean complete(long sequence) {
        C2dEntry e = inFlight.remove(sequence);
        if (e == null) {
            e = removePending(sequence);
        }
        if (e == null) {
            return false;
        }
        finish(e, C2dOutcome.COMPLETED);
        if (e.message.ack().wantsPositive()) {
            shared.feedback().add(feedbackFor(e, FeedbackStatus.SUCCESS, "Success"));
        }
        pump();
        return true;
    }

    /** The device rejected a message: dead-lettered at once, never redelivered; false if it was not live. */
    synchronized boolean reject(long sequence) {
        C2dEntry e = inFlight.remove(sequence);
        if (e == null) {
            return false;
        }
        finish(e, C2dOutcome.REJECTED);
        if (e.message.ack().wantsNegative()) {
            shared.feedback().add(feedbackFor(e, FeedbackStatus.REJECTED, "Message rejected"));
        }
        pump();
        return true;
    }

    /**
     * The device abandoned a message: back to the head of the queue for redelivery, or dead-lettered once it
     * was delivered {@link #MAX_DELIVERY_COUNT} times; false if it was not live.
     */
    synchronized boolean abandon(long sequence) {
        C2dEntry e = inFlight.remove(sequence);
        if (e == null) {
            return false;
        }
        e.lockedUntil = null;
        e.heldBy = null;
        if (e.deliveries >= MAX_DELIVERY_COUNT) {
            finish(e, C2dOutcome.DEAD_LETTERED);
            if (e.message.ack().wantsNegative()) {
                shared.feedback().add(feedbackFor(e, FeedbackStatus.DELIVERY_COUNT_EXCEEDED, "Message delivery count exceeded"));
            }
        } else {
            pending.addFirst(e);
            e.outcomes.add(C2dOutcome.ENQUEUED);
            if (e.lockedWhenDue || !e.expiry.isAfter(shared.clock().now())) {
                expire(e);
            }
        }
        pump();
        return true;
    }

    /** Locks a delivered message until {@code until}; unsettled then, it is abandoned (IoT Hub's lock timeout). */
    synchronized void lock(long sequence, Instant until) {
        C2dEntry e = inFlight.get(sequence);
        if (e != null) {
            e.lockedUntil = until;
        }
    }

    /** Abandons every delivered message whose lock ran out by {@code now}. */
    synchronized boolean unlockDue(Instant now) {
        boolean any = false;
        for (C2dEntry e : List.copyOf(inFlight.values())) {
            if (e.lockedUntil != null && !e.lockedUntil.isAfter(now)) {
                any |= abandon(e.sequence);
            }
        }
        return any;
    }

    /** The message's expiry passed: it expires if queued, or is marked to expire if the device holds it. */
    synchronized void due(C2dEntry e) {
        if (pending.contains(e)) {
            expire(e);
        } else if (inFlight.containsKey(e.sequence)) {
            e.lockedWhenDue = true;
        }
    }

    /** Removes every live message with {@code outcome}; feedback with {@code status} if not null. */
    synchronized int removeAll(C2dOutcome outcome, FeedbackStatus status) {
        List<C2dEntry> all = new ArrayList<>(inFlight.values());
        all.addAll(pending);
        inFlight.clear();
        pending.clear();
        for (C2dEntry e : all) {
            finish(e, outcome);
            if (status != null && e.message.ack().wantsNegative()) {
                shared.feedback().add(feedbackFor(e, status, "Message purged"));
            }
        }
        return all.size();
    }

    /** Forgets every message without an outcome (between tests). */
    synchronized void clear() {
        pending.clear();
        inFlight.clear();
    }

    /** The live messages (queued or delivered, not completed), in queue order. */
    synchronized List<C2dEntry> live() {
        List<C2dEntry> entries = new ArrayList<>(inFlight.values());
        entries.addAll(pending);
        entries.sort(Comparator.comparingLong(e -> e.sequence));
        return entries;
    }

    synchronized C2dRecord snapshot(C2dEntry e) {
        return new C2dRecord(e.sequence, deviceId, e.message, e.enqueued, e.expiry, List.copyOf(e.outcomes),
                e.deliveries);
    }

    String connectionState() {
        Optional<DeviceLink> link = shared.sessions().current(deviceId);
        return link.isEmpty() ? "the device is not connected"
                : shared.sessions().isSubscribed(deviceId, Feature.C2D)
                ? "the device is connected and subscribed (" + link.get().transport() + ")"
                : "the device is connected but has not subscribed to its C2D topic (" + link.get().transport() + ")";
    }

    private int depth() {
        return pending.size() + inFlight.size();
    }

    private void expire(C2dEntry e) {
        pending.remove(e);
        finish(e, C2dOutcome.EXPIRED);
        if (e.message.ack().wantsNegative()) {
            shared.feedback().add(feedbackFor(e, FeedbackStatus.EXPIRED, "Message Expired"));
        }
    }

    private void finish(C2dEntry e, C2dOutcome outcome) {
        e.outcomes.add(outcome);
        e.finished = shared.clock().now();
        shared.finished().accept(e);
    }

    private C2dEntry removePending(long sequence) {
        for (Iterator<C2dEntry> it = pending.iterator(); it.hasNext(); ) {
            C2dEntry e = it.next();
            if (e.sequence == sequence) {
                it.remove();
                return e;
            }
        }
        return null;
    }

    private FeedbackRecord feedbackFor(C2dEntry e, FeedbackStatus status, String description) {
        return new FeedbackRecord(e.messageId(), deviceId, e.generationId, status, description, shared.clock().now());
    }
}
