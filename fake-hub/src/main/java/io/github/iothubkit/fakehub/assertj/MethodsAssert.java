package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.method.MethodInvocation;
import org.assertj.core.annotation.CheckReturnValue;

/** Assertions on the direct methods invoked on one device. */
public final class MethodsAssert {

    private final FakeIotHub hub;
    private final String deviceId;

    MethodsAssert(FakeIotHub hub, String deviceId) {
        this.hub = hub;
        this.deviceId = deviceId;
    }

    /** The method was invoked on the device (whatever came of it); returns the first such invocation. */
    @CheckReturnValue
    public Awaiting<MethodInvocation> wasInvoked(String methodName) {
        return new Awaiting<>(timeout -> {
            try {
                return hub.methods().awaitInvocation(deviceId, methodName, timeout);
            } catch (AssertionError e) {
                Awaiting.rethrowIfInterrupted(e);
                throw new AssertionError("Expected method '" + methodName + "' to be invoked on device '" + deviceId
                        + "' within " + Awaiting.millis(timeout) + ", but it was not. Invoked on it: "
                        + hub.methods().invocations(deviceId).stream().map(MethodInvocation::methodName).toList()
                        + " (" + C2dAssert.connection(hub, deviceId) + ")");
            }
        });
    }
}
