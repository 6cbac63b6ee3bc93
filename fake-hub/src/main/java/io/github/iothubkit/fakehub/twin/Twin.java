package io.github.iothubkit.fakehub.twin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a device twin as the service reads it ({@code GET /twins/{id}}): identity, etag and version,
 * tags, and desired and reported properties with their {@code $metadata} and {@code $version}.
 */
public final class Twin {

    private final JsonObject json;

    Twin(JsonObject json) {
        this.json = json;
    }

    public String deviceId() {
        return json.getString("deviceId");
    }

    public String etag() {
        return json.getString("etag");
    }

    /** The twin's version: one more per change of tags, desired or reported properties. */
    public long version() {
        return json.getLong("version");
    }

    public int desiredVersion() {
        return section("desired").getInteger("$version");
    }

    public int reportedVersion() {
        return section("reported").getInteger("$version");
    }

    /** {@code Connected} or {@code Disconnected}, as IoT Hub spells it. */
    public String connectionState() {
        return json.getString("connectionState");
    }

    public Map<String, Object> tags() {
        return plainMembers(json.getJsonObject("tags", new JsonObject()));
    }

    /** The desired properties without {@code $metadata} and {@code $version}. */
    public Map<String, Object> desired() {
        return plainMembers(section("desired"));
    }

    /** The reported properties without {@code $metadata} and {@code $version}. */
    public Map<String, Object> reported() {
        return plainMembers(section("reported"));
    }

    /** The reported value at a dotted path ({@code "firmware.version"}), or null when it is not there. */
    public Object reported(String path) {
        return plain(at(section("reported"), path));
    }

    /** The desired value at a dotted path, or null when it is not there. */
    public Object desired(String path) {
        return plain(at(section("desired"), path));
    }

    /** The {@code $lastUpdated} time IoT Hub keeps for a reported path, or null. */
    public String reportedLastUpdated(String path) {
        Object meta = at(section("reported").getJsonObject("$metadata"), path);
        return meta instanceof JsonObject m ? m.getString("$lastUpdated") : null;
    }

    /** The twin as IoT Hub's REST API returns it. */
    public String toJson() {
        return json.encode();
    }

    JsonObject json() {
        return json;
    }

    private JsonObject section(String name) {
        return json.getJsonObject("properties").getJsonObject(name);
    }

    static Object at(JsonObject root, String path) {
        Object current = root;
        for (String part : path.split("\\.", -1)) {
            if (!(current instanceof JsonObject object) || !object.containsKey(part)) {
                return null;
            }
            current = object.getValue(part);
        }
        return current;
    }

    private static Map<String, Object> plainMembers(JsonObject object) {
        Map<String, Object> members = new LinkedHashMap<>();
        for (String key : object.fieldNames()) {
            if (!key.startsWith("$")) {
                members.put(key, plain(object.getValue(key)));
            }
        }
        return members;
    }

    /** JSON values as plain Java: Map, List, String, Number, Boolean (no Vert.x types leak out). */
    static Object plain(Object value) {
        if (value instanceof JsonObject object) {
            Map<String, Object> map = new LinkedHashMap<>();
            object.forEach(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (value instanceof JsonArray array) {
            List<Object> list = new ArrayList<>();
            array.forEach(v -> list.add(plain(v)));
            return list;
        }
        return value;
    }

    @Override
    public String toString() {
        return "Twin" + json.encode();
    }
}
