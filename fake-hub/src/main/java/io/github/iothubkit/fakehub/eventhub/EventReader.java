package io.github.iothubkit.fakehub.eventhub;

import java.util.List;
import java.util.function.Consumer;

/**
 * One open receiver on a partition of a consumer group: a cursor the endpoint advances as the reader
 * takes events. {@code onAvailable} runs (under the endpoint's lock; it must only schedule work) when
 * new events arrive; {@code onStolen} once, when a reader with a higher or equal epoch took over.
 */
public final class EventReader {

    final String group;
    final Partition partition;
    final Long epoch;
    private final EventHubEndpoint endpoint;
    private final Runnable onAvailable;
    private final Consumer<String> onStolen;
    /** The next sequence number to hand out. */
    long cursor;
    boolean closed;

    EventReader(EventHubEndpoint endpoint, String group, Partition partition, Long epoch, long cursor,
            Runnable onAvailable, Consumer<String> onStolen) {
        this.endpoint = endpoint;
        this.group = group;
        this.partition = partition;
        this.epoch = epoch;
        this.cursor = cursor;
        this.onAvailable = onAvailable;
        this.onStolen = onStolen;
    }

    /** Up to {@code max} next events, in order; each is handed out once. */
    public List<HubEvent> take(int max) {
        return endpoint.take(this, max);
    }

    /** Stops reading; the partition forgets this reader. */
    public void close() {
        endpoint.close(this);
    }

    void available() {
        onAvailable.run();
    }

    void stolen(String reason) {
        onStolen.accept(reason);
    }
}
