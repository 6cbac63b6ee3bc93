package io.github.iothubkit.fakehub.eventhub;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A checkpoint store for {@code EventProcessorClient} that lives in the test: ownership by etag, as Blob storage does. */
final class InMemoryCheckpointStore implements CheckpointStore {

    private final Map<String, PartitionOwnership> ownership = new ConcurrentHashMap<>();
    final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

    private static String key(String namespace, String hub, String group, String partition) {
        return (namespace + "/" + hub + "/" + group + "/" + partition).toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean in(String namespace, String hub, String group, String key) {
        return key.startsWith((namespace + "/" + hub + "/" + group + "/").toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public Flux<PartitionOwnership> listOwnership(String namespace, String hub, String group) {
        return Flux.fromIterable(ownership.entrySet()).filter(e -> in(namespace, hub, group, e.getKey()))
                .map(Map.Entry::getValue);
    }

    @Override
    public synchronized Flux<PartitionOwnership> claimOwnership(List<PartitionOwnership> requested) {
        List<PartitionOwnership> claimed = requested.stream().filter(r -> {
            String k = key(r.getFullyQualifiedNamespace(), r.getEventHubName(), r.getConsumerGroup(), r.getPartitionId());
            PartitionOwnership current = ownership.get(k);
            if (current != null && !Objects.equals(current.getETag(), r.getETag())) {
                return false;
            }
            ownership.put(k, new PartitionOwnership().setFullyQualifiedNamespace(r.getFullyQualifiedNamespace())
                    .setEventHubName(r.getEventHubName()).setConsumerGroup(r.getConsumerGroup())
                    .setPartitionId(r.getPartitionId()).setOwnerId(r.getOwnerId())
                    .setLastModifiedTime(System.currentTimeMillis()).setETag(UUID.randomUUID().toString()));
            return true;
        }).map(r -> ownership.get(key(r.getFullyQualifiedNamespace(), r.getEventHubName(), r.getConsumerGroup(),
                r.getPartitionId()))).toList();
        return Flux.fromIterable(claimed);
    }

    @Override
    public Flux<Checkpoint> listCheckpoints(String namespace, String hub, String group) {
        return Flux.fromIterable(checkpoints.entrySet()).filter(e -> in(namespace, hub, group, e.getKey()))
                .map(Map.Entry::getValue);
    }

    @Override
    public Mono<Void> updateCheckpoint(Checkpoint checkpoint) {
        return Mono.fromRunnable(() -> checkpoints.put(key(checkpoint.getFullyQualifiedNamespace(),
                checkpoint.getEventHubName(), checkpoint.getConsumerGroup(), checkpoint.getPartitionId()), checkpoint));
    }
}
