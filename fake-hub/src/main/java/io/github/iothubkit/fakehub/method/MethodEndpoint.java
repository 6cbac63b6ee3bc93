package io.github.iothubkit.fakehub.method;

/**
 * A device session subscribed to direct methods. {@link #deliver} only queues the request on the session and
 * never blocks; the device's answer comes back through {@link DirectMethods#respond}.
 */
@FunctionalInterface
public interface MethodEndpoint {

    /** @param requestId the hub's id for this invocation, to be echoed in the answer */
    void deliver(String requestId, String methodName, String payloadJson);
}
