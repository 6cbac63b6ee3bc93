package io.github.iothubkit.fakehub.method;

/** A simulated device's answer to a direct method, for tests of service-side code without a device. */
@FunctionalInterface
public interface MethodHandler {

    /** @return the answer, or null to never answer (the invocation then times out with 504) */
    MethodResult answer(String methodName, String payloadJson);

    /** A device that takes every method and never answers. */
    static MethodHandler neverAnswers() {
        return (name, payload) -> null;
    }

    /** The same answer to every method. */
    static MethodHandler always(int status, String payloadJson) {
        MethodResult result = new MethodResult(status, payloadJson);
        return (name, payload) -> result;
    }
}
