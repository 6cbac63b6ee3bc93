package io.github.iothubkit.fakehub;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The hub's only source of time: TTL, expiry and feedback timestamps all read it.
 * A {@linkplain #manual(Instant) manual} clock lets a test expire messages without waiting.
 */
public final class HubClock {

    private final boolean manual;
    private final Instant start;
    private volatile Instant manualNow;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private HubClock(boolean manual, Instant start) {
        this.manual = manual;
        this.start = start;
        this.manualNow = start;
    }

    /** Wall-clock time. */
    public static HubClock system() {
        return new HubClock(false, null);
    }

    /** A clock that stands still until {@link #advance} or {@link #set} moves it. */
    public static HubClock manual(Instant start) {
        return new HubClock(true, Objects.requireNonNull(start, "start"));
    }

    /** A manual clock starting at the current wall-clock time. */
    public static HubClock manual() {
        return manual(Instant.now());
    }

    public Instant now() {
        return manual ? manualNow : Instant.now();
    }

    public boolean isManual() {
        return manual;
    }

    /** Moves a manual clock forward; the hub expires whatever is due before this returns. */
    public HubClock advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward: " + by);
        }
        return set(now().plus(by));
    }

    /** Sets a manual clock; the hub expires whatever is due before this returns. */
    public HubClock set(Instant instant) {
        if (!manual) {
            throw new IllegalStateException("this hub runs on the system clock: build it with clock(HubClock.manual())");
        }
        manualNow = Objects.requireNonNull(instant, "instant");
        listeners.forEach(Runnable::run);
        return this;
    }

    /**
     * Sets a manual clock back to the instant it was created with (the hub's {@code reset()} calls this,
     * so every test starts at the same time); a system clock is left alone.
     */
    public HubClock reset() {
        return manual ? set(start) : this;
    }

    /** For the hub's own components: called after every manual move. */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return manual ? "HubClock.manual(" + manualNow + ")" : "HubClock.system()";
    }
}
