package io.github.iothubkit.fakehub.assertj;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * An expectation about the hub that is checked when you say how long it may take: {@link #within}
 * waits on the hub's own monitors (no polling, no sleeps) and returns what matched, {@link #now} checks
 * once. Either throws an {@link AssertionError} that says what did happen. Nothing is checked until one
 * of them is called.
 */
public final class Awaiting<T> {

    private final Function<Duration, T> check;

    Awaiting(Function<Duration, T> check) {
        this.check = check;
    }

    /** Waits up to {@code timeout} for the expectation to hold; returns what satisfied it. */
    public T within(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        return check.apply(timeout);
    }

    /** Checks once, without waiting. */
    public T now() {
        return within(Duration.ZERO);
    }

    /** An interrupted wait is reported as such, not as "it did not happen"; the flag stays set. */
    static void rethrowIfInterrupted(AssertionError e) {
        if (Thread.currentThread().isInterrupted()) {
            throw e;
        }
    }

    static String millis(Duration d) {
        return d.toMillis() + " ms";
    }
}
