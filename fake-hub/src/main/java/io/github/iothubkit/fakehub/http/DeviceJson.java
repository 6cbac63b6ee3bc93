package io.github.iothubkit.fakehub.http;

import io.github.iothubkit.fakehub.internal.HubTimestamps;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        Map<String, Object> json = Json.parseObject(body);
        String deviceId = string(json, "deviceId");
        DeviceStatus status = null;
        String statusText = string(json, "status");
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
        Map<String, Object> auth = object(json, "authentication");
        if (auth != null) {
            String type = string(auth, "type");
            if (type != null && !type.equalsIgnoreCase("sas") && !type.equalsIgnoreCase("none")) {
                throw new IllegalArgumentException("authentication type '" + type
                        + "' is not supported by the fake hub: only 'sas' (symmetric keys)");
            }
            Map<String, Object> keys = object(auth, "symmetricKey");
            if (keys != null) {
                primary = blankToNull(string(keys, "primaryKey"));
                secondary = blankToNull(string(keys, "secondaryKey"));
            }
        }
        return new DeviceRequest(deviceId, status, primary, secondary);
    }

    /** The identity as IoT Hub returns it from GET and PUT. */
    static Map<String, Object> toJson(DeviceIdentity device, boolean connected, int cloudToDeviceMessageCount) {
        return Json.obj(
                "deviceId", device.deviceId(),
                "generationId", device.generationId(),
                "etag", bareEtag(device.etag()),
                "connectionState", connected ? "Connected" : "Disconnected",
                "status", device.isEnabled() ? "enabled" : "disabled",
                "statusReason", null,
                "connectionStateUpdatedTime", NEVER,
                "statusUpdatedTime", NEVER,
                "lastActivityTime", NEVER,
                "cloudToDeviceMessageCount", cloudToDeviceMessageCount,
                "authentication", Json.obj(
                        "symmetricKey", Json.obj(
                                "primaryKey", device.primaryKey(),
                                "secondaryKey", device.secondaryKey()),
                        "x509Thumbprint", Json.obj(
                                "primaryThumbprint", null,
                                "secondaryThumbprint", null),
                        "type", "sas"),
                "capabilities", Json.obj("iotEdge", false),
                "deviceScope", null,
                "parentScopes", List.of());
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

    private static String string(Map<String, Object> json, String name) {
        Object v = json.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("'" + name + "' must be a string");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> json, String name) {
        Object v = json.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("'" + name + "' must be an object");
        }
        return (Map<String, Object>) v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
