package io.github.iothubkit.fakehub.http;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * An IoT Hub REST error: the HTTP status picks the SDK's exception class, and the six-digit code
 * inside the body becomes {@code IotHubException.getErrorCode()}.
 */
final class RegistryError extends Exception {

    private final int status;
    private final int errorCode;
    private final String codeName;

    private RegistryError(int status, int errorCode, String codeName, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.codeName = codeName;
    }

    static RegistryError badRequest(String message) {
        return new RegistryError(400, 400004, "ArgumentInvalid", message);
    }

    static RegistryError unauthorized(String message) {
        return new RegistryError(401, 401003, "IotHubUnauthorized", message);
    }

    static RegistryError deviceNotFound(String deviceId) {
        return new RegistryError(404, 404001, "DeviceNotFound", "Device " + deviceId + " not found");
    }

    static RegistryError notFound(String path) {
        return new RegistryError(404, 404000, "NotFound", "The fake hub serves no resource at " + path);
    }

    static RegistryError methodNotAllowed(String method, String path) {
        return new RegistryError(405, 405000, "MethodNotAllowed", method + " is not supported on " + path);
    }

    static RegistryError deviceExists(String deviceId) {
        return new RegistryError(409, 409001, "DeviceAlreadyExists",
                "A device with ID '" + deviceId + "' is already registered.");
    }

    static RegistryError preconditionFailed(String deviceId) {
        return new RegistryError(412, 412002, "PreconditionFailed",
                "Precondition failed: the If-Match ETag does not match device " + deviceId);
    }

    int status() {
        return status;
    }

    String codeName() {
        return codeName;
    }

    /**
     * The body IoT Hub sends: the outer {@code Message}/{@code ExceptionMessage} pair the SDK's
     * ErrorMessageParser reads, with the newer JSON error (numeric code) nested inside Message.
     * ExceptionMessage stays empty because the SDK appends it to the nested JSON before reading
     * {@code errorCode}, and any text there would hide the code (the tracking id is inside instead).
     */
    String body(Instant now) {
        return body(errorCode, "ErrorCode:" + codeName + ";" + getMessage(), null, now);
    }

    /**
     * IoT Hub's REST error body for any error (registry, twin, method), built in this one place; {@code info}
     * (IoT Hub's details object) is left out when null.
     */
    static String body(int errorCode, String message, JsonObject info, Instant now) {
        JsonObject inner = new JsonObject()
                .put("errorCode", errorCode)
                .put("trackingId", UUID.randomUUID().toString().replace("-", ""))
                .put("message", message);
        if (info != null) {
            inner.put("info", info);
        }
        inner.put("timestampUtc", DeviceJson.date(now));
        return new JsonObject().put("Message", inner.encode()).put("ExceptionMessage", "").encode();
    }
}
