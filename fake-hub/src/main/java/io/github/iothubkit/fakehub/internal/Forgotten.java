package io.github.iothubkit.fakehub.internal;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a history's retention dropped, so that an assertion on a dropped item can say so instead of
 * "never sent": how many items went, and the keys (message ids) of the most recent ones. The keys are
 * bounded too, else this would be the leak that retention removes. Not thread-safe: its history's
 * lock guards it.
 */
public final class Forgotten {

    /** How many dropped keys are remembered by name. */
    public static final int KEYS_KEPT = 4096;

    private final Set<String> recent = new LinkedHashSet<>();
    private long count;

    /** Records that the item with {@code key} (may be null) was dropped. */
    public void add(String key) {
        count++;
        if (key == null) {
            return;
        }
        recent.remove(key); // re-inserted as the newest
        recent.add(key);
        if (recent.size() > KEYS_KEPT) {
            Iterator<String> oldest = recent.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Whether an item with this key was dropped recently (one of the last {@link #KEYS_KEPT}). */
    public boolean contains(String key) {
        return recent.contains(key);
    }

    /** How many items retention dropped since start (or the last reset). */
    public long count() {
        return count;
    }

    public void clear() {
        recent.clear();
        count = 0;
    }

    /**
     * Why an item with {@code key} is not in a history that keeps {@code kept}: null if retention dropped
     * nothing (then it was never there), else a sentence for a failure message.
     */
    public String explain(String key, Retention retention, String items) {
        if (count == 0) {
            return null;
        }
        String policy = "the hub keeps " + retention.describe(items) + " and has dropped " + count + " so far";
        return contains(key) ? "retention dropped it from the history (" + policy + ")"
                : "it is not in the history; " + policy + ", so it may have been one of them";
    }

    /** A note for a failure message that lists a history: empty if retention dropped nothing. */
    public String note(Retention retention, String items) {
        return count == 0 ? "" : " Retention dropped " + count + " older " + items + " (the hub keeps "
                + retention.describe(items) + ").";
    }
}
