package io.github.iothubkit.fakehub.twin;

import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;

/**
 * One device's twin: tags, desired and reported properties with their {@code $metadata} and {@code $version},
 * and the twin's own version and etag. Not thread-safe: {@link Twins} guards every document with its lock.
 */
final class TwinDocument {

    final String generationId;
    JsonObject tags = new JsonObject();
    final Section desired;
    final Section reported;
    /** The twin's version: +1 per change of tags, desired or reported. */
    long version = 1;

    TwinDocument(String generationId, String now) {
        this.generationId = generationId;
        this.desired = new Section(true, now);
        this.reported = new Section(false, now);
    }

    /** IoT Hub's etags look like Base64 of an 8-byte counter ({@code AAAAAAAAAAE=}); this one is the version's. */
    String etag() {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(version).array());
    }

    /** The twin as IoT Hub's REST returns it ({@code GET /twins/{id}}, query results). */
    JsonObject serviceView(DeviceIdentity device, boolean connected) {
        String never = "0001-01-01T00:00:00Z"; // what IoT Hub shows for times it never recorded
        JsonObject json = new JsonObject()
                .put("deviceId", device.deviceId())
                .put("etag", etag())
                .put("deviceEtag", device.etag())
                .put("version", version)
                .put("status", device.isEnabled() ? "enabled" : "disabled")
                .put("statusUpdateTime", never)
                .put("connectionState", connected ? "Connected" : "Disconnected")
                .put("lastActivityTime", never)
                .put("cloudToDeviceMessageCount", 0)
                .put("authenticationType", "sas")
                .put("x509Thumbprint", new JsonObject().putNull("primaryThumbprint").putNull("secondaryThumbprint"))
                .put("modelId", "")
                .put("capabilities", new JsonObject().put("iotEdge", false));
        if (!tags.isEmpty()) { // IoT Hub leaves out tags that were never set
            json.put("tags", tags.copy());
        }
        return json.put("properties", new JsonObject().put("desired", desired.withMetadata())
                .put("reported", reported.withMetadata()));
    }

    /** Merges into the tags (null removes); checks the result before it applies. */
    void patchTags(JsonObject patch) {
        JsonObject next = tags.copy();
        Section.merge(next, null, patch, null, null);
        TwinLimits.checkSize(next, "tags", TwinLimits.TAGS_BYTES);
        tags = next;
    }

    void replaceTags(JsonObject replacement) {
        JsonObject next = new JsonObject();
        Section.merge(next, null, replacement, null, null);
        TwinLimits.checkSize(next, "tags", TwinLimits.TAGS_BYTES);
        tags = next;
    }

    /** Desired or reported properties: members, their metadata tree and the section's version. */
    static final class Section {
        private final boolean stampVersions;
        JsonObject props = new JsonObject();
        /** Mirrors {@link #props}: each level holds {@code $lastUpdated} (and, for desired, {@code $lastUpdatedVersion}). */
        JsonObject meta = new JsonObject();
        int version = 1;

        Section(boolean stampVersions, String now) {
            this.stampVersions = stampVersions;
            stamp(meta, now, stampVersions ? 1 : null);
        }

        /**
         * Applies a patch as one change: nested merge, {@code null} removes, version +1, metadata stamped with
         * {@code now}. Returns the patch as applied (nulls kept, so that a device learns of removals).
         */
        void patch(JsonObject patch, String what, String now) {
            JsonObject nextProps = props.copy();
            JsonObject nextMeta = meta.copy();
            int nextVersion = version + 1;
            merge(nextProps, nextMeta, patch, now, stampVersions ? nextVersion : null);
            commit(nextProps, nextMeta, nextVersion, what);
        }

        /** Replaces every member as one change. */
        void replace(JsonObject replacement, String what, String now) {
            JsonObject nextProps = new JsonObject();
            JsonObject nextMeta = new JsonObject();
            int nextVersion = version + 1;
            merge(nextProps, nextMeta, replacement, now, stampVersions ? nextVersion : null);
            stamp(nextMeta, now, stampVersions ? nextVersion : null);
            commit(nextProps, nextMeta, nextVersion, what);
        }

        private void commit(JsonObject nextProps, JsonObject nextMeta, int nextVersion, String what) {
            TwinLimits.checkSize(nextProps, what, TwinLimits.PROPERTIES_BYTES);
            props = nextProps;
            meta = nextMeta;
            version = nextVersion;
        }

        /** The members with {@code $version} (as a device reads them). */
        JsonObject withVersion() {
            return props.copy().put("$version", version);
        }

        /** The members with {@code $metadata} and {@code $version} (as the service reads them). */
        JsonObject withMetadata() {
            return props.copy().put("$metadata", meta.copy()).put("$version", version);
        }

        /**
         * Merges {@code patch} into {@code target}: objects merge member by member, anything else replaces, and
         * {@code null} removes. {@code meta} (null for tags) gets {@code $lastUpdated} on every level touched.
         */
        static void merge(JsonObject target, JsonObject meta, JsonObject patch, String now, Integer stampVersion) {
            for (String key : new ArrayList<>(patch.fieldNames())) {
                Object value = patch.getValue(key);
                if (value == null) {
                    target.remove(key);
                    if (meta != null) {
                        meta.remove(key);
                    }
                } else if (value instanceof JsonObject child) {
                    if (!(target.getValue(key) instanceof JsonObject)) {
                        target.put(key, new JsonObject());
                        if (meta != null) {
                            meta.put(key, new JsonObject());
                        }
                    }
                    JsonObject childMeta = meta == null ? null : metaChild(meta, key);
                    merge(target.getJsonObject(key), childMeta, child, now, stampVersion);
                } else {
                    target.put(key, copyOf(value));
                    if (meta != null) {
                        meta.put(key, stamp(new JsonObject(), now, stampVersion));
                    }
                }
            }
            if (meta != null) {
                stamp(meta, now, stampVersion);
            }
        }

        private static JsonObject metaChild(JsonObject meta, String key) {
            if (!(meta.getValue(key) instanceof JsonObject)) {
                meta.put(key, new JsonObject());
            }
            return meta.getJsonObject(key);
        }

        private static JsonObject stamp(JsonObject meta, String now, Integer stampVersion) {
            meta.put("$lastUpdated", now);
            if (stampVersion != null) {
                meta.put("$lastUpdatedVersion", stampVersion);
            }
            return meta;
        }

        private static Object copyOf(Object value) {
            if (value instanceof io.vertx.core.json.JsonArray array) {
                return array.copy();
            }
            return value;
        }
    }
}
