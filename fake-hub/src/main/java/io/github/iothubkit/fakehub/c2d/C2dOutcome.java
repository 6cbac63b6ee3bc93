package io.github.iothubkit.fakehub.c2d;

/** The life of a cloud-to-device message in the hub. */
public enum C2dOutcome {
    /** Accepted into the device's queue. */
    ENQUEUED,
    /** Pushed to the device, not yet acknowledged. */
    DELIVERED,
    /** Acknowledged by the device (MQTT PUBACK): final. */
    COMPLETED,
    /** Rejected by the device (AMQP Rejected): dead-lettered, final. */
    REJECTED,
    /** Abandoned once too often (IoT Hub's max delivery count): dead-lettered, final. */
    DEAD_LETTERED,
    /** Its time to live ran out before it was completed: final. */
    EXPIRED,
    /** Removed by a purge of the device's queue, or by deleting the device: final. */
    PURGED
}
