package io.github.iothubkit.fakehub.method;

/**
 * The side of {@link DirectMethods} that the hub uses and tests do not: the timeout clock and device deletion
 * (subscriptions come from the hub's device sessions). Hub SPI, never reachable from the hub's API.
 */
public final class DirectMethodsSpi {

    private final DirectMethods methods;

    private DirectMethodsSpi(DirectMethods methods) {
        this.methods = methods;
    }

    public static DirectMethodsSpi of(DirectMethods methods) {
        return new DirectMethodsSpi(methods);
    }

    /** Fails the invocations whose connect or response timeout has passed on the hub clock. */
    public void expireDue() {
        methods.expireDue();
    }

    /** The device is gone: its waiting invocations fail with 404001 and its history goes. */
    public void deviceDeleted(String deviceId) {
        methods.deviceDeleted(deviceId);
    }
}
