package io.github.iothubkit.fakehub.method;

/**
 * A direct-method invocation IoT Hub answers with an error: the HTTP status, IoT Hub's six-digit code, its
 * name, and the {@code info} object IoT Hub puts next to the message (as JSON text).
 */
public final class MethodException extends RuntimeException {

    private final int status;
    private final int errorCode;
    private final String codeName;
    private final String infoJson;

    MethodException(int status, int errorCode, String codeName, String message, String infoJson) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.codeName = codeName;
        this.infoJson = infoJson;
    }

    static MethodException invalid(String message) {
        return new MethodException(400, 400004, "ArgumentInvalid", message, "{}");
    }

    static MethodException deviceNotFound(String deviceId) {
        return new MethodException(404, 404001, "DeviceNotFound", "Device " + deviceId + " not found", "{}");
    }

    /** IoT Hub's text and info for a device that did not connect within the connect timeout. */
    static MethodException notOnline(long connectTimeoutSeconds) {
        return new MethodException(404, 404103, "DeviceNotOnline", "Timed out waiting for device to connect.",
                "{\"timeout\":\"" + hms(connectTimeoutSeconds) + "\"}");
    }

    static MethodException gatewayTimeout() {
        return new MethodException(504, 504101, "GatewayTimeout", "Timed out waiting for the response from device.",
                "{}");
    }

    /** What a caller that stopped waiting (in wall time) answers: the gateway timeout the hub would give. */
    public static MethodException timedOut() {
        return gatewayTimeout();
    }

    public int status() {
        return status;
    }

    /** IoT Hub's six-digit code, e.g. 404103. */
    public int errorCode() {
        return errorCode;
    }

    public String codeName() {
        return codeName;
    }

    /** IoT Hub's {@code info} object, as JSON text ({@code {}} when it has none). */
    public String infoJson() {
        return infoJson;
    }

    private static String hms(long seconds) {
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
