package io.github.iothubkit.fakehub.method;

/**
 * Where an invocation goes: the device's session or its simulation. {@link #deliver} only queues the request
 * and never blocks; the device's answer comes back through {@link DirectMethods#respond}.
 */
@FunctionalInterface
interface MethodEndpoint {

    /** @param requestId the hub's id for this invocation, to be echoed in the answer */
    void deliver(String requestId, String methodName, String payloadJson);
}
