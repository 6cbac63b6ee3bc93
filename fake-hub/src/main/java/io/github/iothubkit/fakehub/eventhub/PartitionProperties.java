package io.github.iothubkit.fakehub.eventhub;

import java.time.Instant;

/**
 * What {@code $management} says of a partition. An empty partition has begin and last sequence
 * number {@code -1}, offset {@code -1} and the epoch as its time.
 */
public record PartitionProperties(String entity, String partitionId, long beginSequenceNumber,
        long lastEnqueuedSequenceNumber, long lastEnqueuedOffset, Instant lastEnqueuedTime, boolean empty) {
}
