package io.github.iothubkit.fakehub.eventhub;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.internal.Retention;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The hub's built-in Event Hubs-compatible endpoint: every telemetry message the hub accepted becomes
 * an event in its device's partition (a device always lands in the same one), with per-partition
 * sequence numbers and offsets and the enqueued time from the hub's clock. Consumer groups are views:
 * each sees every event. Retention bounds each partition by count and age. At most one epoch
 * (exclusive) reader, or up to five non-epoch readers, per partition and group, as in Event Hubs.
 * Thread-safe: one lock for all partitions.
 */
public final class EventHubEndpoint {

    public static final String DEFAULT_CONSUMER_GROUP = "$Default";
    /** Event Hubs allows five concurrent non-epoch readers per partition and consumer group. */
    static final int MAX_READERS = 5;

    private final String entity;
    private final HubClock clock;
    private final DeviceRegistry registry;
    private final Retention retention;
    private final Instant createdAt;
    private final List<Partition> partitions = new ArrayList<>();
    /** Groups by lower-cased name (Event Hubs names are case-insensitive), each with its name as created. */
    private final Map<String, String> groups = new LinkedHashMap<>();
    private final Set<EventReader> readers = new LinkedHashSet<>();

    /**
     * @param entity         the Event Hub-compatible name ({@code EntityPath})
     * @param partitionCount how many partitions (IoT Hub's default: 4)
     */
    public EventHubEndpoint(String entity, int partitionCount, HubClock clock, DeviceRegistry registry,
            Retention retention) {
        if (partitionCount < 1 || partitionCount > 32) {
            throw new IllegalArgumentException("partition count must be 1 to 32, not " + partitionCount);
        }
        this.entity = entity;
        this.clock = clock;
        this.registry = registry;
        this.retention = retention;
        this.createdAt = clock.now();
        for (int i = 0; i < partitionCount; i++) {
            partitions.add(new Partition(Integer.toString(i)));
        }
        groups.put(DEFAULT_CONSUMER_GROUP.toLowerCase(java.util.Locale.ROOT), DEFAULT_CONSUMER_GROUP);
    }

    public String entity() {
        return entity;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public List<String> partitionIds() {
        return partitions.stream().map(p -> p.id).toList();
    }

    /** The partition a device's events go to: a stable hash of its id. */
    public String partitionOf(String deviceId) {
        return partitions.get(Math.floorMod(deviceId.hashCode(), partitions.size())).id;
    }

    /** Adds a consumer group (no effect if it exists); readers attach to it by name, any case. */
    public synchronized void createConsumerGroup(String name) {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("a consumer group needs a name without '/', not '" + name + "'");
        }
        groups.putIfAbsent(key(name), name);
    }

    public synchronized Set<String> consumerGroups() {
        return Set.copyOf(groups.values());
    }

    public synchronized PartitionProperties partitionProperties(String partitionId) {
        Partition p = partition(partitionId);
        if (p == null) {
            throw new ReaderRefusedException(ReaderRefusedException.Reason.NOT_FOUND, "entity '" + entity
                    + "' has no partition '" + partitionId + "' (it has " + partitionIds() + ")");
        }
        p.prune(retention, clock.now());
        return p.properties(entity);
    }

    /** Every event kept in a partition, oldest first (for tests). */
    public synchronized List<HubEvent> events(String partitionId) {
        Partition p = partition(partitionId);
        if (p == null) {
            return List.of();
        }
        p.prune(retention, clock.now());
        return p.from(0, Integer.MAX_VALUE);
    }

    /** How many receivers read a partition now, over all consumer groups (for tests to await an attach). */
    public synchronized int readers(String partitionId) {
        return (int) readers.stream().filter(r -> r.partition.id.equals(partitionId)).count();
    }

    /** Telemetry owner's feed: the accepted message becomes the next event of its device's partition. */
    public synchronized HubEvent enqueue(TelemetryMessage message) {
        Partition p = partition(partitionOf(message.deviceId()));
        String generation = registry.find(message.deviceId()).map(DeviceIdentity::generationId).orElse("");
        HubEvent event = p.append(new HubEvent(p.id, p.nextSequenceNumber(), p.nextOffset(), clock.now(),
                "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\","
                        + "\"acceptingIpFilterRule\":null}", generation, message));
        p.prune(retention, clock.now());
        for (EventReader r : readers) {
            if (r.partition == p) {
                r.available();
            }
        }
        return event;
    }

    /**
     * Opens a reader on a partition of a consumer group, from {@code start}. An epoch reader takes over
     * from the non-epoch readers and those of a lower or equal epoch ({@code onStolen} tells them).
     *
     * @param epoch null for a non-epoch reader
     * @throws ReaderRefusedException for an unknown group or partition, a higher epoch already reading,
     *                                or a sixth non-epoch reader
     */
    public synchronized EventReader open(String group, String partitionId, EventPosition start, Long epoch,
            Runnable onAvailable, Consumer<String> onStolen) {
        String groupName = groups.get(key(group));
        Partition p = partition(partitionId);
        if (groupName == null || p == null) {
            throw new ReaderRefusedException(ReaderRefusedException.Reason.NOT_FOUND, "The messaging entity '"
                    + entity + "/ConsumerGroups/" + group + "/Partitions/" + partitionId + "' could not be found"
                    + " (groups " + groups.values() + ", partitions " + partitionIds() + ")");
        }
        List<EventReader> same = readers.stream().filter(r -> r.partition == p && r.group.equals(groupName)).toList();
        if (epoch == null) {
            same.stream().filter(r -> r.epoch != null).findFirst().ifPresent(r -> {
                throw new ReaderRefusedException(ReaderRefusedException.Reason.EPOCH_TAKEN, "a receiver with epoch '"
                        + r.epoch + "' already reads partition " + partitionId + " of '" + groupName + "'");
            });
            if (same.size() >= MAX_READERS) {
                throw new ReaderRefusedException(ReaderRefusedException.Reason.TOO_MANY_READERS, "Exceeded the maximum"
                        + " number of allowed receivers per partition in a consumer group which is " + MAX_READERS);
            }
        } else {
            same.stream().filter(r -> r.epoch != null && r.epoch > epoch).findFirst().ifPresent(r -> {
                throw new ReaderRefusedException(ReaderRefusedException.Reason.EPOCH_TAKEN, "a receiver with higher"
                        + " epoch '" + r.epoch + "' already reads partition " + partitionId + " of '" + groupName + "'");
            });
            for (EventReader r : same) {
                readers.remove(r);
                r.closed = true;
                r.stolen("New receiver with higher epoch of '" + epoch + "' is created hence current receiver with"
                        + " epoch '" + (r.epoch == null ? "" : r.epoch) + "' is getting disconnected.");
            }
        }
        p.prune(retention, clock.now());
        EventReader reader = new EventReader(this, groupName, p, epoch, p.start(start), onAvailable, onStolen);
        readers.add(reader);
        return reader;
    }

    synchronized List<HubEvent> take(EventReader reader, int max) {
        if (reader.closed || max <= 0) {
            return List.of();
        }
        reader.partition.prune(retention, clock.now());
        List<HubEvent> next = reader.partition.from(reader.cursor, max);
        if (!next.isEmpty()) {
            reader.cursor = next.get(next.size() - 1).sequenceNumber() + 1;
        }
        return next;
    }

    synchronized void close(EventReader reader) {
        reader.closed = true;
        readers.remove(reader);
    }

    /** Forgets every event and numbers partitions from 0 again; open readers read on from the start. */
    public synchronized void reset() {
        partitions.forEach(Partition::clear);
        readers.forEach(r -> r.cursor = 0);
    }

    private Partition partition(String id) {
        return partitions.stream().filter(p -> p.id.equals(id)).findFirst().orElse(null);
    }

    private static String key(String group) {
        return group == null ? "" : group.toLowerCase(java.util.Locale.ROOT);
    }
}
