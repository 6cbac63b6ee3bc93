package io.github.iothubkit.fakehub.telemetry;

import io.github.iothubkit.fakehub.internal.Monitors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The device-to-cloud messages the hub received, for tests to read and await. Thread-safe. */
public final class Telemetry {

    private final List<TelemetryMessage> received = new ArrayList<>();

    /** Adapter SPI: records an accepted message. */
    public synchronized void record(TelemetryMessage message) {
        received.add(message);
        notifyAll();
        TelemetryLog.recorded(message);
    }

    /** Every message received, oldest first. */
    public synchronized List<TelemetryMessage> messages() {
        return List.copyOf(received);
    }

    public synchronized List<TelemetryMessage> messages(String deviceId) {
        return received.stream().filter(m -> m.deviceId().equals(deviceId)).toList();
    }

    /**
     * Waits until {@code count} messages from the device have arrived and returns them.
     *
     * @throws AssertionError after the timeout, saying what did arrive
     */
    public List<TelemetryMessage> await(String deviceId, int count, Duration timeout) {
        synchronized (this) {
            return Monitors.await(this, timeout, () -> {
                List<TelemetryMessage> mine = messages(deviceId);
                return mine.size() >= count ? mine : null;
            }, () -> "Expected " + count + " telemetry messages from device '" + deviceId + "' within "
                    + timeout.toMillis() + " ms but received " + messages(deviceId).size() + ". " + others(deviceId),
                    "telemetry");
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
                        return s.append("\n").append(others(deviceId)).toString();
                    }, "telemetry");
        }
    }

    /** Forgets every message (between tests). */
    public synchronized void reset() {
        received.clear();
    }

    private String others(String deviceId) {
        Map<String, Integer> counts = new TreeMap<>();
        received.stream().filter(m -> !m.deviceId().equals(deviceId)).forEach(m -> counts.merge(m.deviceId(), 1, Integer::sum));
        return counts.isEmpty() ? "No other device sent telemetry." : "Received from other devices: " + counts + ".";
    }
}
