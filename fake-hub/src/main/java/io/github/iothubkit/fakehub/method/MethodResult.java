package io.github.iothubkit.fakehub.method;

/**
 * The device's answer: its status (any integer, 4xx and 5xx included) and its JSON payload ({@code "null"} when
 * it sent none). IoT Hub returns both with HTTP 200 whatever the status.
 */
public record MethodResult(int status, String payloadJson) {

    public MethodResult {
        payloadJson = payloadJson == null || payloadJson.isBlank() ? "null" : payloadJson;
    }
}
