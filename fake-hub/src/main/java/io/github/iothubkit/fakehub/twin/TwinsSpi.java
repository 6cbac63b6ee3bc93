package io.github.iothubkit.fakehub.twin;

import io.github.iothubkit.fakehub.session.DeviceLink;

/**
 * The side of {@link Twins} the hub and its transports use and tests do not: a device's own twin requests,
 * answered through its session, and device deletion. Hub SPI.
 */
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

    /** The device's GET of its twin; the answer goes back through {@code link}. */
    public void deviceGet(DeviceLink link, String requestId) {
        twins.deviceGet(link, requestId);
    }

    /** The device's PATCH of reported properties; {@code expectedVersion} null when the request named none. */
    public void devicePatchReported(DeviceLink link, String requestId, String patchJson, Integer expectedVersion) {
        twins.devicePatchReported(link, requestId, patchJson, expectedVersion);
    }

    /** A twin request the hub cannot serve: 400 with IoT Hub's 400004 body naming {@code why}. */
    public void deviceBadRequest(DeviceLink link, String requestId, String why) {
        twins.deviceBadRequest(link, requestId, why);
    }
}
