package io.github.iothubkit.fakehub.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How much finished history a hub keeps (C2D messages that reached a final outcome, feedback records,
 * telemetry): at most {@code maxCount} items, and, if {@code maxAge} is set, none that finished longer
 * ago than that. Live items (a C2D message still queued or in flight, feedback not yet taken) are never
 * subject to it. Without a bound a long-running hub would grow until {@code reset()}.
 *
 * @param maxCount how many finished items to keep; 0 keeps none
 * @param maxAge   how long to keep a finished item, by the hub's clock; null for no age limit
 */
public record Retention(int maxCount, Duration maxAge) {

    /** The default: the last 100,000 finished items of each history, whatever their age. */
    public static final Retention DEFAULT = new Retention(100_000, null);

    public Retention {
        if (maxCount < 0) {
            throw new IllegalArgumentException("history limit must be 0 or more, not " + maxCount);
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("history max age must be positive, not " + maxAge);
        }
    }

    /** These bounds with another count. */
    public Retention withMaxCount(int count) {
        return new Retention(count, maxAge);
    }

    /** These bounds with another age limit (null for none). */
    public Retention withMaxAge(Duration age) {
        return new Retention(maxCount, age);
    }

    /**
     * Whether the oldest finished item goes, given how many finished items are kept (it included) and
     * when it finished.
     */
    public boolean drops(int finishedCount, Instant oldestFinished, Instant now) {
        return finishedCount > maxCount
                || maxAge != null && oldestFinished.plus(maxAge).isBefore(Objects.requireNonNull(now, "now"));
    }

    /** In words, for failure messages: "the last 100000 finished C2D messages, none older than PT1H". */
    public String describe(String items) {
        return "the last " + maxCount + " " + items + (maxAge == null ? "" : ", none older than " + maxAge);
    }
}
