package io.github.iothubkit.fakehub.c2d;

import java.time.Instant;
import java.util.List;

/**
 * What happened to one cloud-to-device message, at the moment this snapshot was taken.
 *
 * @param sequence      the hub's own number for the message, unique and increasing
 * @param outcomes      every outcome it went through, in order (a redelivery shows DELIVERED again)
 * @param deliveryCount how many times it was pushed to the device
 */
public record C2dRecord(long sequence, String deviceId, C2dMessage message, Instant enqueuedTime, Instant expiryTime,
        List<C2dOutcome> outcomes, int deliveryCount) {

    public String messageId() {
        return message.messageId();
    }

    /** The latest outcome. */
    public C2dOutcome outcome() {
        return outcomes.get(outcomes.size() - 1);
    }

    @Override
    public String toString() {
        return "C2dRecord{#" + sequence + " " + messageId() + " -> " + deviceId + ", outcomes=" + outcomes
                + ", deliveries=" + deliveryCount + "}";
    }
}
