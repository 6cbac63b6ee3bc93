package io.github.iothubkit.fakehub.fault;

import io.github.iothubkit.fakehub.c2d.C2dMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The hub's fault controls ({@code hub.faults()}): inject {@link Fault} values per device or for every
 * device, drop connections, and clear it all. Thread-safe. What the faults do to a device's traffic is
 * decided by {@link FaultRules}, which every transport asks.
 */
public final class Faults {

    /** Per device id; the key {@code null} holds the faults for every device. */
    private final Map<String, DeviceFaults> byDevice = new HashMap<>();
    private final List<Consumer<String>> releaseListeners = new CopyOnWriteArrayList<>();
    private volatile Predicate<String> disconnect = id -> false;

    Faults() {
    }

    /**
     * Injects a fault for one device.
     *
     * @return this, to chain
     */
    public Faults inject(String deviceId, Fault fault) {
        java.util.Objects.requireNonNull(deviceId, "deviceId");
        add(deviceId, fault);
        return this;
    }

    /** Injects a fault for every device: only {@link Fault#failSend} makes sense hub-wide. */
    public Faults inject(Fault fault) {
        if (!(fault instanceof Fault.FailSend)) {
            throw new IllegalArgumentException(fault + " belongs to one device: use inject(deviceId, fault)");
        }
        add(null, fault);
        return this;
    }

    private synchronized void add(String deviceId, Fault fault) {
        DeviceFaults f = byDevice.computeIfAbsent(deviceId, id -> new DeviceFaults());
        if (fault instanceof Fault.RefuseConnect r) {
            f.refusals.add(new Counted<>(r.refusal(), r.count()));
        } else if (fault instanceof Fault.WithholdAcks) {
            f.withholdAcks = true;
        } else if (fault instanceof Fault.DelayDelivery d) {
            f.deliveryDelay = d.delay();
        } else if (fault instanceof Fault.FailSend s) {
            f.sendErrors.add(new Counted<>(s.error(), s.count()));
        } else {
            throw new IllegalArgumentException("unknown fault " + fault);
        }
    }

    /** Ends {@link Fault#withholdAcks()} for the device: the acks its open connection sent are applied now. */
    public void releaseAcks(String deviceId) {
        boolean was;
        synchronized (this) {
            DeviceFaults f = byDevice.get(deviceId);
            was = f != null && f.withholdAcks;
            if (was) {
                f.withholdAcks = false;
            }
        }
        if (was) {
            releaseListeners.forEach(l -> l.accept(deviceId));
        }
    }

    /** Closes the device's connection now (any transport), as a network drop would; false if it had none. */
    public boolean dropConnection(String deviceId) {
        return disconnect.test(deviceId);
    }

    /** Removes every fault; withheld acks are released (applied where their connection is still open). */
    public void clear() {
        Set<String> withholding = new TreeSet<>();
        synchronized (this) {
            byDevice.forEach((id, f) -> {
                if (id != null && f.withholdAcks) {
                    withholding.add(id);
                }
            });
            byDevice.clear();
        }
        withholding.forEach(id -> releaseListeners.forEach(l -> l.accept(id)));
    }

    /** The faults in force, one line each, for failure messages and logs. */
    public synchronized List<String> describe() {
        List<String> lines = new ArrayList<>();
        byDevice.forEach((id, f) -> {
            String who = id == null ? "every device" : "'" + id + "'";
            f.refusals.forEach(c -> lines.add("refuse the next " + c.left + " connect(s) of " + who + " with " + c.value));
            if (f.withholdAcks) {
                lines.add("withhold the PUBACKs of " + who);
            }
            if (!f.deliveryDelay.isZero()) {
                lines.add("delay C2D delivery to " + who + " by " + f.deliveryDelay.toMillis() + " ms");
            }
            f.sendErrors.forEach(c -> lines.add("fail the next " + c.left + " send(s) to " + who + " with " + c.value));
        });
        return lines;
    }

    // ---- for FaultRules ---------------------------------------------------------------------------

    /** Consumes one injected refusal for this device's connect, if any. */
    synchronized Optional<ConnectRefusal> takeConnectRefusal(String deviceId) {
        DeviceFaults f = deviceId == null ? null : byDevice.get(deviceId);
        return f == null ? Optional.empty() : take(f.refusals);
    }

    /** Whether the device's acks are to be held back. */
    synchronized boolean withholdsAcks(String deviceId) {
        DeviceFaults f = byDevice.get(deviceId);
        return f != null && f.withholdAcks;
    }

    /** How long to hold each C2D message before it goes on the wire. */
    synchronized Duration deliveryDelay(String deviceId) {
        DeviceFaults f = byDevice.get(deviceId);
        return f == null ? Duration.ZERO : f.deliveryDelay;
    }

    /** Runs before every C2D send and throws the injected error, if one is due. */
    void checkSend(String deviceId, C2dMessage message) {
        Optional<SendError> error;
        synchronized (this) {
            DeviceFaults mine = byDevice.get(deviceId);
            error = mine == null ? Optional.empty() : take(mine.sendErrors);
            if (error.isEmpty() && byDevice.get(null) != null) {
                error = take(byDevice.get(null).sendErrors);
            }
        }
        if (error.isPresent()) {
            throw error.get().exception(deviceId);
        }
    }

    /** Told the id of a device whose withheld acks are released. */
    void onAcksReleased(Consumer<String> listener) {
        releaseListeners.add(listener);
    }

    /** How {@link #dropConnection} reaches the device's session. */
    void bindDisconnect(Predicate<String> disconnect) {
        this.disconnect = java.util.Objects.requireNonNull(disconnect, "disconnect");
    }

    private static <T> Optional<T> take(List<Counted<T>> queue) {
        for (Iterator<Counted<T>> it = queue.iterator(); it.hasNext(); ) {
            Counted<T> c = it.next();
            if (--c.left <= 0) {
                it.remove();
            }
            return Optional.of(c.value);
        }
        return Optional.empty();
    }

    private static final class DeviceFaults {
        final List<Counted<ConnectRefusal>> refusals = new ArrayList<>();
        final List<Counted<SendError>> sendErrors = new ArrayList<>();
        boolean withholdAcks;
        Duration deliveryDelay = Duration.ZERO;
    }

    private static final class Counted<T> {
        final T value;
        int left;

        Counted(T value, int left) {
            this.value = value;
            this.left = left;
        }
    }
}
