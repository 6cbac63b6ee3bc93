package io.github.iothubkit.fakehub.internal;

import java.time.Duration;
import java.util.function.Supplier;

/** The hub's waits for tests: on a monitor that is notified on every change, never a sleep. */
public final class Monitors {

    private Monitors() {
    }

    /**
     * Polls until {@code poll} yields a value, waiting on {@code monitor} between polls. The caller holds
     * the monitor, and whatever changes the polled state notifies it.
     *
     * @param what names the awaited thing in the error an interrupt gives
     * @throws AssertionError with {@code timeoutMessage} after the timeout, or when interrupted
     */
    public static <T> T await(Object monitor, Duration timeout, Supplier<T> poll, Supplier<String> timeoutMessage,
            String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = poll.get();
            if (value != null) {
                return value;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(timeoutMessage.get());
            }
            try {
                monitor.wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
