package io.github.iothubkit.fakehub.twin;

/** The side of {@link Twins} the hub uses and tests do not: device deletion. Hub SPI. */
public final class TwinsSpi {

    private final Twins twins;

    private TwinsSpi(Twins twins) {
        this.twins = twins;
    }

    public static TwinsSpi of(Twins twins) {
        return new TwinsSpi(twins);
    }

    /** The device is gone: so is its twin (a device created again under the id starts at version 1). */
    public void deviceDeleted(String deviceId) {
        twins.deviceDeleted(deviceId);
    }
}
