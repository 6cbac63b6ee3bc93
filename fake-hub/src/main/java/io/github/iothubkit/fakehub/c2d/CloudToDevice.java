package io.github.iothubkit.fakehub.c2d;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Monitors;
import io.github.iothubkit.fakehub.internal.Retention;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.session.DeviceLink;
import io.github.iothubkit.fakehub.session.DeviceSessions;
import io.github.iothubkit.fakehub.session.Feature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The hub's authority on cloud-to-device messages: one FIFO queue per device with IoT Hub's limits
 * ({@link DeviceQueue} owns the transitions), delivery to a connected and subscribed device, completion,
 * expiry, purge, an outcome per message and the feedback records each ack mode asks for, and a history
 * bounded by a {@link Retention} ({@link C2dHistory}). Front doors (the in-process API, AMQP) call
 * {@link #send}. Which session a message goes to is {@link DeviceSessions}' business: a queue pushes to the
 * device's current session while it subscribes to C2D, and takes back what a session held unacknowledged
 * when that session ends or unsubscribes. Transports report acks, and the hub its timer and deletes,
 * through {@link CloudToDeviceSpi}. Every public method is thread-safe.
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
    private final C2dHistory history;
    private final DeviceQueue.Shared shared;
    private final Map<String, DeviceQueue> queues = new ConcurrentHashMap<>();
    /** The live messages by expiry; a message leaves it when it finishes, so it holds at most the queued ones. */
    private final NavigableSet<C2dEntry> byExpiry = new TreeSet<>(C2dEntry.BY_EXPIRY);
    /** Signalled on every outcome change, for the awaiting methods. */
    private final Object changed = new Object();
    /** Asked first in every send, and for every delivery's delay: the hub's fault controls. */
    private final C2dPolicy policy;

    /** A queue of its own, with no fault controls and its own sessions (unit tests). */
    public CloudToDevice(DeviceRegistry registry, HubClock clock, Limits limits, FeedbackJournal feedback) {
        this(registry, clock, limits, feedback, Retention.DEFAULT);
    }

    /** @param retention how many finished messages (and for how long) the history keeps */
    public CloudToDevice(DeviceRegistry registry, HubClock clock, Limits limits, FeedbackJournal feedback,
            Retention retention) {
        this(registry, clock, limits, feedback, retention, new DeviceSessions(), C2dPolicy.NONE);
    }

    /**
     * @param sessions where the queues learn which session to push to
     * @param policy   the fault controls' say on sends and deliveries
     */
    public CloudToDevice(DeviceRegistry registry, HubClock clock, Limits limits, FeedbackJournal feedback,
            Retention retention, DeviceSessions sessions, C2dPolicy policy) {
        this.registry = registry;
        this.clock = clock;
        this.limits = limits;
        this.feedback = feedback;
        this.policy = policy;
        this.history = new C2dHistory(clock, retention);
        this.shared = new DeviceQueue.Shared(clock, limits, feedback, new AtomicLong(), this::accepted, this::finished,
                sessions, policy);
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
        DeviceQueue q = queue(deviceId);
        C2dEntry entry = q.enqueue(stamped, device.generationId(), now, expiry);
        signal();
        return q.snapshot(entry);
    }

    /** Waits until the latest message with this id has gone through {@code outcome}. */
    public C2dRecord awaitOutcome(String messageId, C2dOutcome outcome, Duration timeout) {
        synchronized (changed) {
            return Monitors.await(changed, timeout,
                    () -> find(messageId).filter(r -> r.outcomes().contains(outcome)).orElse(null),
                    () -> "Expected message '" + messageId + "' to be " + outcome + " within " + timeout.toMillis()
                            + " ms, but " + find(messageId).map(this::describe).orElseGet(() ->
                            history.explainMissing(messageId) + "; latest sent: " + history.latestIds(5)),
                    "message '" + messageId + "'");
        }
    }

    /**
     * Waits until some message sent since start (or the last reset), and still in the history, matches
     * {@code condition}, checked after every outcome change.
     *
     * @throws AssertionError after the timeout; callers that want a richer message catch it
     */
    public C2dRecord awaitMatching(Predicate<C2dRecord> condition, Duration timeout) {
        synchronized (changed) {
            return Monitors.await(changed, timeout, () -> records().stream().filter(condition).findFirst().orElse(null),
                    () -> "Expected a matching C2D message within " + timeout.toMillis() + " ms; latest sent: "
                            + history.latestIds(5) + "." + history.note(), "a C2D message");
        }
    }

    /** The latest message sent with this id, unless retention dropped it from the history. */
    public Optional<C2dRecord> find(String messageId) {
        C2dEntry e = history.latest(messageId);
        return e == null ? Optional.empty() : Optional.of(e.queue.snapshot(e));
    }

    /**
     * Every message sent since start (or the last reset), in send order: all live ones, and the finished
     * ones that retention keeps (by default the last 100,000).
     */
    public List<C2dRecord> records() {
        return history.entries().stream().map(e -> e.queue.snapshot(e)).toList();
    }

    /**
     * Why {@link #find} has nothing for this id, for a failure message: never sent, or dropped from the
     * history by retention (with the policy and how much it dropped).
     */
    public String explainMissing(String messageId) {
        return history.explainMissing(messageId);
    }

    /** Empty unless retention dropped finished messages from the history; then a sentence that says so. */
    public String droppedNote() {
        return history.note();
    }

    /** The messages waiting for a device (queued or delivered but not completed), in queue order. */
    public List<C2dRecord> queued(String deviceId) {
        DeviceQueue q = queues.get(deviceId);
        return q == null ? List.of() : q.live().stream().map(q::snapshot).toList();
    }

    /** Empties a device's queue, as the REST purge does; returns how many messages were removed. */
    public int purge(String deviceId) {
        DeviceQueue q = queues.get(deviceId);
        if (q == null) {
            return 0;
        }
        int purged = q.removeAll(C2dOutcome.PURGED, FeedbackStatus.PURGED);
        signal();
        return purged;
    }

    // ---- what sessions tell the queues ------------------------------------------------------------

    /** The queues' side of {@link DeviceSessions}: push to the current session, take back what one held. */
    private final class SessionEvents implements DeviceSessions.Listener {
        @Override
        public void opened(DeviceLink link) {
            // What an older session held comes back first; delivery goes on if the new one is subscribed.
            withQueue(link.deviceId(), q -> {
                q.requeueInFlight(e -> e.heldBy != link);
                q.pump();
            });
        }

        @Override
        public void subscribed(DeviceLink link, Feature feature) {
            if (feature == Feature.C2D) {
                withQueue(link.deviceId(), DeviceQueue::pump);
            }
        }

        @Override
        public void unsubscribed(DeviceLink link, Feature feature) {
            if (feature == Feature.C2D) {
                withQueue(link.deviceId(), q -> q.requeueInFlight(e -> e.heldBy == link));
            }
        }

        @Override
        public void closed(DeviceLink link) {
            withQueue(link.deviceId(), q -> q.requeueInFlight(e -> e.heldBy == link));
        }

        private void withQueue(String deviceId, Consumer<DeviceQueue> action) {
            DeviceQueue q = queues.get(deviceId);
            if (q != null) {
                synchronized (q) {
                    action.accept(q);
                }
                signal();
            }
        }
    }

    // ---- hub SPI, through CloudToDeviceSpi -------------------------------------------------------

    /** The device acknowledged a message (from this or an earlier connection of it). */
    void complete(String deviceId, long sequence) {
        DeviceQueue q = queues.get(deviceId);
        if (q != null && q.complete(sequence)) {
            signal();
        }
    }

    /** The device rejected a message (AMQP Rejected): dead-lettered, Rejected feedback if asked for. */
    void reject(String deviceId, long sequence) {
        DeviceQueue q = queues.get(deviceId);
        if (q != null && q.reject(sequence)) {
            signal();
        }
    }

    /** The device abandoned a message (AMQP Released or Modified): redelivered, or dead-lettered at the max delivery count. */
    void abandon(String deviceId, long sequence) {
        DeviceQueue q = queues.get(deviceId);
        if (q != null && q.abandon(sequence)) {
            signal();
        }
    }

    /**
     * Locks a delivered message for {@code lock} of hub time: if the device has not settled it by then, it
     * is abandoned (AMQP, where IoT Hub locks a message for one minute; MQTT holds it until the connection goes).
     */
    void lock(String deviceId, long sequence, Duration lock) {
        DeviceQueue q = queues.get(deviceId);
        if (q != null) {
            q.lock(sequence, clock.now().plus(lock));
        }
    }

    /** Expires every queued message whose time has come; the hub calls this on a timer and on clock moves. */
    void expireDue() {
        Instant now = clock.now();
        boolean unlocked = false;
        for (DeviceQueue q : queues.values()) {
            unlocked |= q.unlockDue(now);
        }
        if (unlocked) {
            signal();
        }
        List<C2dEntry> due = new ArrayList<>();
        synchronized (byExpiry) {
            while (!byExpiry.isEmpty() && !byExpiry.first().expiry.isAfter(now)) {
                due.add(byExpiry.pollFirst());
            }
        }
        for (C2dEntry e : due) {
            e.queue.due(e); // takes the queue's lock, never while holding byExpiry's (finished() nests them so)
        }
        if (!due.isEmpty()) {
            signal();
        }
    }

    /** A device was deleted: its messages and pending feedback are dropped without feedback. */
    void deviceDeleted(String deviceId) {
        DeviceQueue q = queues.remove(deviceId);
        if (q != null) {
            q.removeAll(C2dOutcome.PURGED, null);
        }
        feedback.dropDevice(deviceId);
        signal();
    }

    /** Forgets every message and queue (between tests); connected devices stay attached. */
    public void reset() {
        for (DeviceQueue q : queues.values()) {
            q.clear();
        }
        history.reset();
        synchronized (byExpiry) {
            byExpiry.clear();
        }
        signal();
    }

    // ---- internals ----------------------------------------------------------------------------

    private DeviceQueue queue(String deviceId) {
        return queues.computeIfAbsent(deviceId, id -> new DeviceQueue(id, shared));
    }

    /** A queue accepted {@code e} (under its lock). */
    private void accepted(C2dEntry e) {
        history.add(e);
        synchronized (byExpiry) {
            byExpiry.add(e);
        }
    }

    /** {@code e} reached a final outcome (under its queue's lock): it no longer expires, and retention may drop it. */
    private void finished(C2dEntry e) {
        synchronized (byExpiry) {
            byExpiry.remove(e);
        }
        history.finished(e);
    }

    private String describe(C2dRecord r) {
        DeviceQueue q = queues.get(r.deviceId());
        String connection = q == null ? "the device has no queue (deleted?)" : q.connectionState();
        return "it is " + r.outcome() + " (outcomes " + r.outcomes() + ", delivered " + r.deliveryCount()
                + " times) on device '" + r.deviceId() + "': " + connection;
    }

    private void signal() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }
}
