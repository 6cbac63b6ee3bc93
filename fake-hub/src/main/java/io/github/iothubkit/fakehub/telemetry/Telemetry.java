package io.github.iothubkit.fakehub.telemetry;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.BoundedLog;
import io.github.iothubkit.fakehub.internal.Monitors;
import io.github.iothubkit.fakehub.internal.Retention;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The device-to-cloud messages the hub received, for tests to read and await: as many as the
 * {@link Retention} keeps (by default the last 100,000), oldest dropped first. Thread-safe.
 */
public final class Telemetry {

    private final HubClock clock;
    private final BoundedLog<TelemetryMessage> received;
    /** Per device, how many of its messages retention dropped, for failure messages. */
    private final Map<String, Long> droppedByDevice = new HashMap<>();
    private Consumer<TelemetryMessage> accepted = m -> { };

    public Telemetry() {
        this(HubClock.system(), Retention.DEFAULT);
    }

    /** @param retention how many messages (and for how long, by {@code clock}) the history keeps */
    public Telemetry(HubClock clock, Retention retention) {
        this.clock = clock;
        this.received = new BoundedLog<>(retention, TelemetryMessage::receivedTime, TelemetryMessage::messageId,
                m -> droppedByDevice.merge(m.deviceId(), 1L, Long::sum));
    }

    /** Records an accepted message; transports go through {@link TelemetryIntake}. */
    synchronized void record(TelemetryMessage message) {
        received.add(message, clock.now());
        accepted.accept(message); // under the lock: the endpoint sees messages in the history's order
        notifyAll();
        TelemetryLog.recorded(message);
    }

    /** Hub wiring: {@code consumer} gets every accepted message (the built-in Event Hubs endpoint). */
    public synchronized void onAccepted(Consumer<TelemetryMessage> consumer) {
        this.accepted = consumer;
    }

    /** Every message kept, oldest first. */
    public synchronized List<TelemetryMessage> messages() {
        return List.copyOf(received.items(clock.now()));
    }

    public synchronized List<TelemetryMessage> messages(String deviceId) {
        received.prune(clock.now());
        List<TelemetryMessage> mine = new ArrayList<>();
        for (TelemetryMessage m : received.view()) {
            if (m.deviceId().equals(deviceId)) {
                mine.add(m);
            }
        }
        return mine;
    }

    /**
     * Waits until {@code count} messages from the device are in the history and returns them.
     *
     * @throws AssertionError after the timeout, saying what did arrive (and what retention dropped)
     */
    public List<TelemetryMessage> await(String deviceId, int count, Duration timeout) {
        synchronized (this) {
            return Monitors.await(this, timeout, () -> {
                List<TelemetryMessage> mine = messages(deviceId);
                return mine.size() >= count ? mine : null;
            }, () -> "Expected " + count + " telemetry messages from device '" + deviceId + "' within "
                    + timeout.toMillis() + " ms but received " + messages(deviceId).size() + ". " + others(deviceId)
                    + droppedNote(deviceId), "telemetry");
        }
    }

    /**
     * Waits for a message from the device that matches {@code condition}.
     *
     * @throws AssertionError after the timeout, listing what the device did send
     */
    public TelemetryMessage awaitMatching(String deviceId, Predicate<TelemetryMessage> condition, Duration timeout) {
        synchronized (this) {
            return Monitors.await(this, timeout,
                    () -> messages(deviceId).stream().filter(condition).findFirst().orElse(null), () -> {
                        List<TelemetryMessage> mine = messages(deviceId);
                        StringBuilder s = new StringBuilder("Expected a matching telemetry message from device '")
                                .append(deviceId).append("' within ").append(timeout.toMillis()).append(" ms; it sent ")
                                .append(mine.size()).append(':');
                        mine.stream().limit(10).forEach(m -> s.append("\n  ").append(m));
                        return s.append("\n").append(others(deviceId)).append(droppedNote(deviceId)).toString();
                    }, "telemetry");
        }
    }

    /**
     * Empty unless retention dropped messages of this device from the history: then a sentence that says
     * how many, and the policy.
     */
    public synchronized String droppedNote(String deviceId) {
        long mine = droppedByDevice.getOrDefault(deviceId, 0L);
        return mine == 0 ? "" : " Retention dropped " + mine + " older messages of this device from the history"
                + " (the hub keeps " + received.retention().describe("telemetry messages") + ").";
    }

    /** Forgets every message (between tests). */
    public synchronized void reset() {
        received.clear();
        droppedByDevice.clear();
    }

    private String others(String deviceId) {
        Map<String, Integer> counts = new TreeMap<>();
        for (TelemetryMessage m : received.view()) {
            if (!m.deviceId().equals(deviceId)) {
                counts.merge(m.deviceId(), 1, Integer::sum);
            }
        }
        return counts.isEmpty() ? "No other device sent telemetry." : "Received from other devices: " + counts + ".";
    }
}
