package io.github.iothubkit.fakehub.method;

/**
 * The side of {@link DirectMethods} that the hub and its transports use and tests do not: a session's
 * method subscription, the timeout clock and device deletion. Hub SPI, never reachable from the hub's API.
 */
public final class DirectMethodsSpi {

    private final DirectMethods methods;

    private DirectMethodsSpi(DirectMethods methods) {
        this.methods = methods;
    }

    public static DirectMethodsSpi of(DirectMethods methods) {
        return new DirectMethodsSpi(methods);
    }

    /** See {@link DirectMethods#subscribed}: close the handle when the session ends or unsubscribes. */
    public AutoCloseable subscribed(String deviceId, MethodEndpoint endpoint) {
        return methods.subscribed(deviceId, endpoint);
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
