package io.github.iothubkit.fakehub.method;

import java.time.Duration;
import java.util.Objects;

/**
 * What the service asks of a device: a method name, a JSON payload ({@code "null"} for none), how long IoT Hub
 * waits for the device's answer and for the device to come online (IoT Hub's defaults: 30 s and 0 s).
 */
public record MethodRequest(String methodName, String payloadJson, Duration responseTimeout, Duration connectTimeout) {

    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    public MethodRequest {
        Objects.requireNonNull(methodName, "methodName");
        payloadJson = payloadJson == null ? "null" : payloadJson;
        responseTimeout = responseTimeout == null ? DEFAULT_RESPONSE_TIMEOUT : responseTimeout;
        connectTimeout = connectTimeout == null ? Duration.ZERO : connectTimeout;
    }

    /** A request with IoT Hub's default timeouts. */
    public static MethodRequest of(String methodName, String payloadJson) {
        return new MethodRequest(methodName, payloadJson, null, null);
    }

    public MethodRequest withResponseTimeout(Duration timeout) {
        return new MethodRequest(methodName, payloadJson, timeout, connectTimeout);
    }

    public MethodRequest withConnectTimeout(Duration timeout) {
        return new MethodRequest(methodName, payloadJson, responseTimeout, timeout);
    }
}
