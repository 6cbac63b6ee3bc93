package io.github.iothubkit.fakehub.http;

import io.github.iothubkit.fakehub.internal.HubTimestamps;
import io.github.iothubkit.fakehub.internal.JsonBody;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * The device identity JSON of the registry REST (api-version 2021-04-12): reading what a client PUTs
 * and writing what {@code RegistryClient} can parse (exact {@code Connected}/{@code Disconnected},
 * dates it can split, {@code deviceId} and {@code authentication} always present).
 */
final class DeviceJson {

    /** What the service calls "never": the .NET DateTime.MinValue. */
    static final String NEVER = "0001-01-01T00:00:00Z";

    /**
     * The fields of a PUT body the fake acts on; everything else (dates, counters, scopes) is the
     * service's to set, so it is ignored as IoT Hub ignores it.
     *
     * @param deviceId     the body's id, or null when absent
     * @param status       null when absent
     * @param primaryKey   null when the body has no symmetric key
     */
    record DeviceRequest(String deviceId, DeviceStatus status, String primaryKey, String secondaryKey) {
    }

    private DeviceJson() {
    }

    /** @throws IllegalArgumentException with a message fit for a 400 response */
    static DeviceRequest parseRequest(String body) {
        JsonObject json = JsonBody.object(body);
        String deviceId = JsonBody.string(json, "deviceId");
        DeviceStatus status = null;
        String statusText = JsonBody.string(json, "status");
        if (statusText != null) {
            status = switch (statusText.toLowerCase(Locale.ROOT)) {
                case "enabled" -> DeviceStatus.ENABLED;
                case "disabled" -> DeviceStatus.DISABLED;
                default -> throw new IllegalArgumentException("status must be 'enabled' or 'disabled', not '"
                        + statusText + "'");
            };
        }
        String primary = null;
        String secondary = null;
        JsonObject auth = JsonBody.object(json, "authentication");
        if (auth != null) {
            String type = JsonBody.string(auth, "type");
            if (type != null && !type.equalsIgnoreCase("sas") && !type.equalsIgnoreCase("none")) {
                throw new IllegalArgumentException("authentication type '" + type
                        + "' is not supported by the fake hub: only 'sas' (symmetric keys)");
            }
            JsonObject keys = JsonBody.object(auth, "symmetricKey");
            if (keys != null) {
                primary = blankToNull(JsonBody.string(keys, "primaryKey"));
                secondary = blankToNull(JsonBody.string(keys, "secondaryKey"));
            }
        }
        return new DeviceRequest(deviceId, status, primary, secondary);
    }

    /** The identity as IoT Hub returns it from GET and PUT. */
    static JsonObject toJson(DeviceIdentity device, boolean connected, int cloudToDeviceMessageCount) {
        JsonObject symmetricKey = new JsonObject()
                .put("primaryKey", device.primaryKey())
                .put("secondaryKey", device.secondaryKey());
        JsonObject x509 = new JsonObject().putNull("primaryThumbprint").putNull("secondaryThumbprint");
        return new JsonObject()
                .put("deviceId", device.deviceId())
                .put("generationId", device.generationId())
                .put("etag", bareEtag(device.etag()))
                .put("connectionState", connected ? "Connected" : "Disconnected")
                .put("status", device.isEnabled() ? "enabled" : "disabled")
                .putNull("statusReason")
                .put("connectionStateUpdatedTime", NEVER)
                .put("statusUpdatedTime", NEVER)
                .put("lastActivityTime", NEVER)
                .put("cloudToDeviceMessageCount", cloudToDeviceMessageCount)
                .put("authentication", new JsonObject()
                        .put("symmetricKey", symmetricKey)
                        .put("x509Thumbprint", x509)
                        .put("type", "sas"))
                .put("capabilities", new JsonObject().put("iotEdge", false))
                .putNull("deviceScope")
                .put("parentScopes", new JsonArray());
    }

    /** IoT Hub's JSON carries the etag without the quotes of the HTTP header. */
    static String bareEtag(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** IoT Hub writes seven fractional digits; the Java SDK truncates them to milliseconds. */
    static String date(Instant instant) {
        return HubTimestamps.FORMAT.format(instant);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
