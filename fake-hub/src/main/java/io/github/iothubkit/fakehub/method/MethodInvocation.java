package io.github.iothubkit.fakehub.method;

import java.time.Instant;

/**
 * One invocation the hub accepted for a device, for assertions: what was asked and when (hub clock).
 *
 * @param result the device's answer, or null while pending or when it failed
 * @param error  why it failed (404103, 504101, ...), or null
 */
public record MethodInvocation(String deviceId, String methodName, String payloadJson, Instant at,
        MethodResult result, MethodException error) {

    /** Whether the invocation has finished, with an answer or an error. */
    public boolean isDone() {
        return result != null || error != null;
    }
}
