package io.github.iothubkit.fakehub.c2d;

/**
 * The side of {@link CloudToDevice} that the hub and its transports use and tests do not: acks, the
 * expiry clock and device deletion. Hub SPI: reached through the adapters' context, never from the hub's
 * public API.
 */
public final class CloudToDeviceSpi {

    private final CloudToDevice c2d;

    private CloudToDeviceSpi(CloudToDevice c2d) {
        this.c2d = c2d;
    }

    public static CloudToDeviceSpi of(CloudToDevice c2d) {
        return new CloudToDeviceSpi(c2d);
    }

    /** The device acknowledged a message (from this or an earlier connection of it). */
    public void complete(String deviceId, long sequence) {
        c2d.complete(deviceId, sequence);
    }

    /** The device rejected a message (AMQP Rejected): dead-lettered at once, Rejected feedback if asked for. */
    public void reject(String deviceId, long sequence) {
        c2d.reject(deviceId, sequence);
    }

    /** The device abandoned a message (AMQP Released or Modified): redelivered, or dead-lettered at the max delivery count. */
    public void abandon(String deviceId, long sequence) {
        c2d.abandon(deviceId, sequence);
    }

    /** A delivered message is locked for {@code lock} of hub time, then abandoned if still unsettled (AMQP). */
    public void lock(String deviceId, long sequence, java.time.Duration lock) {
        c2d.lock(deviceId, sequence, lock);
    }

    /** Expires every queued message whose time has come; the hub calls this on a timer and on clock moves. */
    public void expireDue() {
        c2d.expireDue();
    }

    /** A device was deleted: its messages and pending feedback are dropped without feedback. */
    public void deviceDeleted(String deviceId) {
        c2d.deviceDeleted(deviceId);
    }
}
