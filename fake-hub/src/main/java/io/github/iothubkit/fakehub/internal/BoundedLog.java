package io.github.iothubkit.fakehub.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A history of items that are finished when they arrive (telemetry, feedback records), oldest first,
 * bounded by a {@link Retention}. Not thread-safe: its owner's lock guards it.
 */
public final class BoundedLog<T> {

    private final Retention retention;
    private final Function<T, Instant> timeOf;
    private final Function<T, String> keyOf;
    private final Consumer<T> onDrop;
    private final Deque<T> items = new ArrayDeque<>();
    private final Forgotten forgotten = new Forgotten();

    /**
     * @param timeOf when an item finished, for the age limit
     * @param keyOf  the key an assertion looks an item up by (may return null)
     * @param onDrop runs for each item retention drops
     */
    public BoundedLog(Retention retention, Function<T, Instant> timeOf, Function<T, String> keyOf, Consumer<T> onDrop) {
        this.retention = retention;
        this.timeOf = timeOf;
        this.keyOf = keyOf;
        this.onDrop = onDrop;
    }

    public void add(T item, Instant now) {
        items.addLast(item);
        prune(now);
    }

    /** Drops what retention no longer keeps; reads call it too, so the age limit holds on a quiet hub. */
    public void prune(Instant now) {
        while (!items.isEmpty() && retention.drops(items.size(), timeOf.apply(items.peekFirst()), now)) {
            T dropped = items.pollFirst();
            forgotten.add(keyOf.apply(dropped));
            onDrop.accept(dropped);
        }
    }

    /** The items kept, oldest first, as a copy. */
    public List<T> items(Instant now) {
        prune(now);
        return new ArrayList<>(items);
    }

    /** The items kept, oldest first, without pruning or copying: for a read under the owner's lock. */
    public Iterable<T> view() {
        return items;
    }

    public int size() {
        return items.size();
    }

    public Retention retention() {
        return retention;
    }

    public Forgotten forgotten() {
        return forgotten;
    }

    public void clear() {
        items.clear();
        forgotten.clear();
    }
}
