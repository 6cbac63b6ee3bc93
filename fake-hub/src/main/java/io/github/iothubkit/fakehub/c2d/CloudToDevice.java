package io.github.iothubkit.fakehub.c2d;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Monitors;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
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
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The hub's authority on cloud-to-device messages: one FIFO queue per device with IoT Hub's limits,
 * delivery to a connected and subscribed device, completion, expiry, purge, an outcome per message and
 * the feedback records each ack mode asks for. Front doors (the in-process API, AMQP) call
 * {@link #send}. Which session a message goes to is {@link DeviceSessions}' business: the queue pushes to
 * the device's current session while it subscribes to C2D, and takes back what a session held
 * unacknowledged when that session ends or unsubscribes. Transports report acks, and the hub its timer
 * and deletes, through {@link CloudToDeviceSpi}.
 * Every public method is thread-safe.
 */
public final class CloudToDevice {

    /** IoT Hub's limits; {@code maxInFlight} bounds how many unacknowledged messages a device holds. */
    public record Limits(int maxQueueDepth, int maxMessageBytes, Duration defaultTtl, int maxInFlight) {
        public static final Limits IOT_HUB = new Limits(50, 64 * 1024, Duration.ofHours(1), 10);

        /** These limits with another in-flight window. */
        public Limits withMaxInFlight(int maxInFlight) {
            return new Limits(maxQueueDepth, maxMessageBytes, defaultTtl, maxInFlight);
        }
    }

    private final DeviceRegistry registry;
    private final HubClock clock;
    private final Limits limits;
    private final FeedbackJournal feedback;
    private final DeviceSessions sessions;
    /** Asked first in every send, and for every delivery's delay: the hub's fault controls. */
    private final C2dPolicy policy;
    private final AtomicLong sequences = new AtomicLong();
    private final Map<String, DeviceQueue> queues = new ConcurrentHashMap<>();
    private final Map<String, Entry> latestById = new ConcurrentHashMap<>();
    private final List<Entry> journal = new ArrayList<>();
    /** Lazily cleaned: an entry that completed stays here until its expiry passes, then is skipped. */
    private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>(Comparator.comparing((Entry e) -> e.expiry));
    /** Signalled on every outcome change, for the awaiting methods. */
    private final Object changed = new Object();

    /** A queue of its own, with no fault controls and its own sessions (unit tests). */
    public CloudToDevice(DeviceRegistry registry, HubClock clock, Limits limits, FeedbackJournal feedback) {
        this(registry, clock, limits, feedback, new DeviceSessions(), C2dPolicy.NONE);
    }

    public CloudToDevice(DeviceRegistry registry, HubClock clock, Limits limits, FeedbackJournal feedback,
            DeviceSessions sessions, C2dPolicy policy) {
        this.registry = registry;
        this.clock = clock;
        this.limits = limits;
        this.feedback = feedback;
        this.sessions = sessions;
        this.policy = policy;
        sessions.listen(new SessionEvents());
    }

    /**
     * Queues a message for a device, as the real hub's send API does.
     *
     * @return the message's record; {@code record.messageId()} is the id assigned if the message had none
     * @throws DeviceNotFoundException   if the device is unknown or disabled
     * @throws MessageTooLargeException  if the message is over 64 KB
     * @throws QueueFullException        if the device already has 50 messages queued
     */
    public C2dRecord send(String deviceId, C2dMessage message) {
        policy.checkSend(deviceId, message);
        DeviceIdentity device = registry.find(deviceId).orElseThrow(() -> new DeviceNotFoundException(deviceId,
                "ErrorCode:DeviceNotFound;Device '" + deviceId + "' is not registered"));
        if (!device.isEnabled()) {
            throw new DeviceNotFoundException(deviceId, "ErrorCode:DeviceNotFound;Device '" + deviceId
                    + "' is disabled (the hub treats it as not found)");
        }
        if (message.size() > limits.maxMessageBytes()) {
            throw new MessageTooLargeException(deviceId, "ErrorCode:MessageTooLarge;Message of " + message.size()
                    + " bytes is over the " + limits.maxMessageBytes() + "-byte limit (body, system property values"
                    + " and application property names and values count)");
        }
        C2dMessage stamped = message.messageId() == null ? message.messageId(UUID.randomUUID().toString()) : message;
        Instant now = clock.now();
        Instant expiry = stamped.expiryTime() != null ? stamped.expiryTime() : now.plus(limits.defaultTtl());
        DeviceQueue q = queues.computeIfAbsent(deviceId, DeviceQueue::new);
        Entry entry;
        synchronized (q) {
            if (q.depth() >= limits.maxQueueDepth()) {
                throw new QueueFullException(deviceId, "ErrorCode:DeviceMaximumQueueDepthExceeded;Device '" + deviceId
                        + "' already has " + q.depth() + " messages queued (the limit is " + limits.maxQueueDepth() + ")");
            }
            entry = new Entry(sequences.incrementAndGet(), q, stamped, device.generationId(), now, expiry);
            synchronized (journal) {
                journal.add(entry);
            }
            latestById.put(stamped.messageId(), entry);
            q.pending.addLast(entry);
            entry.outcomes.add(C2dOutcome.ENQUEUED);
            if (!expiry.isAfter(now)) {
                expire(q, entry);
            } else {
                synchronized (byExpiry) {
                    byExpiry.add(entry);
                }
                pump(q);
            }
        }
        signal();
        return snapshot(entry);
    }

    /** Waits until the latest message with this id has gone through {@code outcome}. */
    public C2dRecord awaitOutcome(String messageId, C2dOutcome outcome, Duration timeout) {
        synchronized (changed) {
            return Monitors.await(changed, timeout,
                    () -> find(messageId).filter(r -> r.outcomes().contains(outcome)).orElse(null),
                    () -> "Expected message '" + messageId + "' to be " + outcome + " within " + timeout.toMillis()
                            + " ms, but " + find(messageId).map(this::describe).orElseGet(() ->
                            "no message with that id was sent; latest sent: " + latestIds()),
                    "message '" + messageId + "'");
        }
    }

    /**
     * Waits until some message sent since start (or the last reset) matches {@code condition}, checked
     * after every outcome change.
     *
     * @throws AssertionError after the timeout; callers that want a richer message catch it
     */
    public C2dRecord awaitMatching(Predicate<C2dRecord> condition, Duration timeout) {
        synchronized (changed) {
            return Monitors.await(changed, timeout, () -> records().stream().filter(condition).findFirst().orElse(null),
                    () -> "Expected a matching C2D message within " + timeout.toMillis() + " ms; latest sent: "
                            + latestIds(), "a C2D message");
        }
    }

    /** The latest message sent with this id. */
    public Optional<C2dRecord> find(String messageId) {
        Entry e = latestById.get(messageId);
        return e == null ? Optional.empty() : Optional.of(snapshot(e));
    }

    /** Every message sent since start (or the last reset), in send order. */
    public List<C2dRecord> records() {
        List<Entry> copy;
        synchronized (journal) {
            copy = new ArrayList<>(journal);
        }
        return copy.stream().map(this::snapshot).toList();
    }

    /** The messages waiting for a device (queued or delivered but not completed), in queue order. */
    public List<C2dRecord> queued(String deviceId) {
        DeviceQueue q = queues.get(deviceId);
        if (q == null) {
            return List.of();
        }
        List<Entry> entries;
        synchronized (q) {
            entries = new ArrayList<>(q.inFlight.values());
            entries.addAll(q.pending);
        }
        entries.sort(Comparator.comparingLong(e -> e.sequence));
        return entries.stream().map(this::snapshot).toList();
    }

    /** Empties a device's queue, as the REST purge does; returns how many messages were removed. */
    public int purge(String deviceId) {
        DeviceQueue q = queues.get(deviceId);
        if (q == null) {
            return 0;
        }
        int purged;
        synchronized (q) {
            purged = removeAll(q, C2dOutcome.PURGED, FeedbackStatus.PURGED);
        }
        signal();
        return purged;
    }

    // ---- what sessions tell the queue -------------------------------------------------------------

    /** The queue's side of {@link DeviceSessions}: pushes to the current session, takes back what one held. */
    private final class SessionEvents implements DeviceSessions.Listener {
        @Override
        public void opened(DeviceLink link) {
            // What an older session held comes back first; delivery goes on if the new one is subscribed.
            withQueue(link.deviceId(), q -> {
                requeueInFlight(q, e -> e.heldBy != link);
                pump(q);
            });
        }

        @Override
        public void subscribed(DeviceLink link, Feature feature) {
            if (feature == Feature.C2D) {
                withQueue(link.deviceId(), CloudToDevice.this::pump);
            }
        }

        @Override
        public void unsubscribed(DeviceLink link, Feature feature) {
            if (feature == Feature.C2D) {
                withQueue(link.deviceId(), q -> requeueInFlight(q, e -> e.heldBy == link));
            }
        }

        @Override
        public void closed(DeviceLink link) {
            withQueue(link.deviceId(), q -> requeueInFlight(q, e -> e.heldBy == link));
        }

        private void withQueue(String deviceId, java.util.function.Consumer<DeviceQueue> action) {
            DeviceQueue q = queues.get(deviceId);
            if (q == null) {
                return;
            }
            synchronized (q) {
                action.accept(q);
            }
            signal();
        }
    }

    /** The device acknowledged a message (from this or an earlier connection of it); see {@link CloudToDeviceSpi}. */
    void complete(String deviceId, long sequence) {
        DeviceQueue q = queues.get(deviceId);
        if (q == null) {
            return;
        }
        synchronized (q) {
            Entry e = q.inFlight.remove(sequence);
            if (e == null) {
                e = removePending(q, sequence);
            }
            if (e == null) {
                return; // already completed, expired or purged: a duplicate ack changes nothing
            }
            e.outcomes.add(C2dOutcome.COMPLETED);
            if (e.message.ack().wantsPositive()) {
                feedback.add(feedbackFor(e, FeedbackStatus.SUCCESS, "Success"));
            }
            pump(q);
        }
        signal();
    }

    /** Expires every queued message whose time has come; the hub calls this on a timer and on clock moves. */
    void expireDue() {
        Instant now = clock.now();
        List<Entry> due = new ArrayList<>();
        synchronized (byExpiry) {
            while (!byExpiry.isEmpty() && !byExpiry.peek().expiry.isAfter(now)) {
                due.add(byExpiry.poll());
            }
        }
        for (Entry e : due) {
            synchronized (e.queue) {
                if (e.queue.pending.contains(e)) {
                    expire(e.queue, e);
                } else if (e.queue.inFlight.containsKey(e.sequence)) {
                    e.lockedWhenDue = true; // held by the device: expires if it comes back unacknowledged
                }
            }
        }
        if (!due.isEmpty()) {
            signal();
        }
    }

    /** A device was deleted: its messages and pending feedback are dropped without feedback. */
    void deviceDeleted(String deviceId) {
        DeviceQueue q = queues.remove(deviceId);
        if (q != null) {
            synchronized (q) {
                removeAll(q, C2dOutcome.PURGED, null);
            }
        }
        feedback.dropDevice(deviceId);
        signal();
    }

    /** Forgets every message and queue (between tests); connected devices stay attached. */
    public void reset() {
        for (DeviceQueue q : queues.values()) {
            synchronized (q) {
                q.pending.clear();
                q.inFlight.clear();
            }
        }
        synchronized (journal) {
            journal.clear();
        }
        synchronized (byExpiry) {
            byExpiry.clear();
        }
        latestById.clear();
        signal();
    }

    // ---- internals (callers hold the queue's lock) ------------------------------------------------

    private void pump(DeviceQueue q) {
        DeviceLink link = sessions.subscribedLink(q.deviceId, Feature.C2D);
        if (link == null) {
            return;
        }
        Duration delay = policy.deliveryDelay(q.deviceId);
        Instant now = clock.now();
        while (q.inFlight.size() < limits.maxInFlight() && !q.pending.isEmpty()) {
            Entry e = q.pending.pollFirst();
            if (!e.expiry.isAfter(now)) {
                q.pending.addFirst(e);
                expire(q, e);
                continue;
            }
            q.inFlight.put(e.sequence, e);
            e.outcomes.add(C2dOutcome.DELIVERED);
            e.deliveries++;
            e.heldBy = link;
            link.deliver(new Delivery(e.sequence, e.message, e.deliveries > 1, delay));
        }
    }

    /** Puts the in-flight messages that {@code which} picks back at the head of the queue, in order. */
    private void requeueInFlight(DeviceQueue q, Predicate<Entry> which) {
        List<Entry> held = new ArrayList<>();
        for (Iterator<Entry> it = q.inFlight.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (which.test(e)) {
                held.add(e);
                it.remove();
            }
        }
        Instant now = clock.now();
        for (int i = held.size() - 1; i >= 0; i--) {
            Entry e = held.get(i);
            e.heldBy = null;
            q.pending.addFirst(e);
            e.outcomes.add(C2dOutcome.ENQUEUED);
            if (e.lockedWhenDue || !e.expiry.isAfter(now)) {
                expire(q, e);
            }
        }
    }

    private void expire(DeviceQueue q, Entry e) {
        q.pending.remove(e);
        e.outcomes.add(C2dOutcome.EXPIRED);
        if (e.message.ack().wantsNegative()) {
            feedback.add(feedbackFor(e, FeedbackStatus.EXPIRED, "Message Expired"));
        }
    }

    private int removeAll(DeviceQueue q, C2dOutcome outcome, FeedbackStatus status) {
        List<Entry> all = new ArrayList<>(q.inFlight.values());
        all.addAll(q.pending);
        q.inFlight.clear();
        q.pending.clear();
        for (Entry e : all) {
            e.outcomes.add(outcome);
            if (status != null && e.message.ack().wantsNegative()) {
                feedback.add(feedbackFor(e, status, "Message purged"));
            }
        }
        return all.size();
    }

    private static Entry removePending(DeviceQueue q, long sequence) {
        for (Iterator<Entry> it = q.pending.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.sequence == sequence) {
                it.remove();
                return e;
            }
        }
        return null;
    }

    private FeedbackRecord feedbackFor(Entry e, FeedbackStatus status, String description) {
        return new FeedbackRecord(e.message.messageId(), e.queue.deviceId, e.generationId, status, description,
                clock.now());
    }

    private C2dRecord snapshot(Entry e) {
        synchronized (e.queue) {
            return new C2dRecord(e.sequence, e.queue.deviceId, e.message, e.enqueued, e.expiry,
                    List.copyOf(e.outcomes), e.deliveries);
        }
    }

    private String describe(C2dRecord r) {
        String connection;
        if (!queues.containsKey(r.deviceId())) {
            connection = "the device has no queue (deleted?)";
        } else {
            Optional<DeviceLink> link = sessions.current(r.deviceId());
            connection = link.isEmpty() ? "the device is not connected"
                    : sessions.isSubscribed(r.deviceId(), Feature.C2D)
                    ? "the device is connected and subscribed (" + link.get().transport() + ")"
                    : "the device is connected but has not subscribed to its C2D topic (" + link.get().transport() + ")";
        }
        return "it is " + r.outcome() + " (outcomes " + r.outcomes() + ", delivered " + r.deliveryCount()
                + " times) on device '" + r.deviceId() + "': " + connection;
    }

    private List<String> latestIds() {
        synchronized (journal) {
            return journal.subList(Math.max(0, journal.size() - 5), journal.size()).stream()
                    .map(e -> e.message.messageId()).toList();
        }
    }

    private void signal() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    private static final class DeviceQueue {
        final String deviceId;
        final Deque<Entry> pending = new ArrayDeque<>();
        final Map<Long, Entry> inFlight = new LinkedHashMap<>();

        DeviceQueue(String deviceId) {
            this.deviceId = deviceId;
        }

        int depth() {
            return pending.size() + inFlight.size();
        }
    }

    private static final class Entry {
        final long sequence;
        final DeviceQueue queue;
        final C2dMessage message;
        final String generationId;
        final Instant enqueued;
        final Instant expiry;
        final List<C2dOutcome> outcomes = new ArrayList<>(4);
        int deliveries;
        boolean lockedWhenDue;
        /** The session an in-flight message was pushed to; null while queued. */
        DeviceLink heldBy;

        Entry(long sequence, DeviceQueue queue, C2dMessage message, String generationId, Instant enqueued,
                Instant expiry) {
            this.sequence = sequence;
            this.queue = queue;
            this.message = message;
            this.generationId = generationId;
            this.enqueued = enqueued;
            this.expiry = expiry;
        }
    }
}
