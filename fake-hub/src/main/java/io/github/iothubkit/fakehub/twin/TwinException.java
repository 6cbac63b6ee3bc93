package io.github.iothubkit.fakehub.twin;

/**
 * A twin operation IoT Hub refuses: the HTTP (or MQTT twin response) status, IoT Hub's six-digit error code
 * and its name. Transports turn it into their own answer: a REST error body, or {@code $iothub/twin/res/{status}}.
 */
public final class TwinException extends RuntimeException {

    private final int status;
    private final int errorCode;
    private final String codeName;

    TwinException(int status, int errorCode, String codeName, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.codeName = codeName;
    }

    static TwinException invalid(String message) {
        return new TwinException(400, 400004, "ArgumentInvalid", message);
    }

    static TwinException deviceNotFound(String deviceId) {
        return new TwinException(404, 404001, "DeviceNotFound", "Device " + deviceId + " not found");
    }

    static TwinException preconditionFailed(String message) {
        return new TwinException(412, 412001, "PreconditionFailed", message);
    }

    static TwinException throttled(String deviceId) {
        return new TwinException(429, 429001, "ThrottlingException",
                "Twin update of device " + deviceId + " throttled (injected by hub.twins().throttleUpdates)");
    }

    public int status() {
        return status;
    }

    /** IoT Hub's six-digit code, e.g. 412001. */
    public int errorCode() {
        return errorCode;
    }

    /** The code's name, e.g. {@code PreconditionFailed}. */
    public String codeName() {
        return codeName;
    }
}
