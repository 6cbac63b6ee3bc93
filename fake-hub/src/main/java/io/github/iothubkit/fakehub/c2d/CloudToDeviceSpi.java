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

    /** Expires every queued message whose time has come; the hub calls this on a timer and on clock moves. */
    public void expireDue() {
        c2d.expireDue();
    }

    /** A device was deleted: its messages and pending feedback are dropped without feedback. */
    public void deviceDeleted(String deviceId) {
        c2d.deviceDeleted(deviceId);
    }
}
