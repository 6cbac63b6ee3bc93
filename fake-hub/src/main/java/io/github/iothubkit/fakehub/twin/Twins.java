package io.github.iothubkit.fakehub.twin;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.HubTimestamps;
import io.github.iothubkit.fakehub.internal.JsonBody;
import io.github.iothubkit.fakehub.internal.Monitors;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The authority on device twins: one document per registered device (version 1 when the device is created,
 * gone when it is deleted), changed by the service (tags, desired) and by the device (reported), with IoT Hub's
 * versions, etags, metadata and limits. Desired changes go to the device's subscribed session in version order.
 * Thread-safe: one lock for all twins, which also orders the notifications.
 */
public final class Twins {

    private final DeviceRegistry registry;
    private final HubClock clock;
    private final Predicate<String> connected;
    private final Map<String, TwinDocument> documents = new HashMap<>();
    private final Map<String, DesiredListener> desiredListeners = new HashMap<>();
    private final Map<String, Integer> throttled = new HashMap<>();

    /** @param connected whether a device has a live connection, for {@code connectionState} */
    public Twins(DeviceRegistry registry, HubClock clock, Predicate<String> connected) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.connected = Objects.requireNonNull(connected, "connected");
    }

    // ---- service side and tests ----------------------------------------------------------------

    /** The device's twin as the service reads it. @throws TwinException 404 for an unknown device */
    public synchronized Twin get(String deviceId) {
        return snapshot(deviceId, document(deviceId));
    }

    /** Patches desired properties as the service would ({@code null} removes); the device is told. */
    public Twin patchDesired(String deviceId, String desiredPatchJson) {
        return update(deviceId, new JsonObject().put("properties", new JsonObject().put("desired",
                parse(desiredPatchJson, "desired patch"))).encode(), "*");
    }

    /** Patches desired properties given as a map (nested maps merge). */
    public Twin patchDesired(String deviceId, Map<String, ?> desiredPatch) {
        return patchDesired(deviceId, new JsonObject(new HashMap<>(desiredPatch)).encode());
    }

    /**
     * A service PATCH ({@code {"tags":{...},"properties":{"desired":{...}}}}): merges, {@code null} removes.
     * Top-level fields that are null or read-only (the Java SDK sends them all) are ignored.
     *
     * @param ifMatch the etag the caller last saw, {@code *} or null for any
     */
    public synchronized Twin update(String deviceId, String twinPatchJson, String ifMatch) {
        return change(deviceId, twinPatchJson, ifMatch, false);
    }

    /** A service PUT: replaces tags and desired properties (those the body holds). */
    public synchronized Twin replace(String deviceId, String twinJson, String ifMatch) {
        return change(deviceId, twinJson, ifMatch, true);
    }

    /**
     * Waits until the device's twin satisfies {@code condition}.
     *
     * @throws AssertionError after the timeout, showing the twin's properties as it saw them last
     */
    public synchronized Twin await(String deviceId, Predicate<Twin> condition, Duration timeout) {
        return Monitors.await(this, timeout, () -> {
            Twin twin = registry.find(deviceId).isPresent() ? get(deviceId) : null;
            return twin != null && condition.test(twin) ? twin : null;
        }, () -> "the twin of device '" + deviceId + "' did not reach the expected state within " + timeout + "; "
                + (registry.find(deviceId).isPresent() ? describe(get(deviceId)) : "no such device"),
                "the twin of " + deviceId);
    }

    /** Waits until the reported value at a dotted path equals {@code expected} (numbers compared by value). */
    public Twin awaitReported(String deviceId, String path, Object expected, Duration timeout) {
        return await(deviceId, t -> sameValue(t.reported(path), expected), timeout);
    }

    /** One line on a twin for failure messages: reported, desired and versions. */
    public static String describe(Twin twin) {
        return "reported " + twin.reported() + " (version " + twin.reportedVersion() + "), desired " + twin.desired()
                + " (version " + twin.desiredVersion() + "), " + twin.connectionState().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether two twin values are equal, numbers by value ({@code 1} equals {@code 1L} and {@code 1.0}). */
    public static boolean sameValue(Object actual, Object expected) {
        if (actual instanceof Number a && expected instanceof Number e) {
            return new java.math.BigDecimal(a.toString()).compareTo(new java.math.BigDecimal(e.toString())) == 0;
        }
        return Objects.equals(actual, expected);
    }

    /** One page of {@code SELECT * FROM devices [WHERE ...]}, in device-id order. */
    public synchronized QueryPage query(String sql, int maxItems, String continuation) {
        TwinQuery.Condition where = TwinQuery.parse(sql);
        String after = continuation == null ? null : decodeContinuation(continuation);
        int pageSize = Math.max(1, Math.min(maxItems, 1000));
        List<Twin> page = new ArrayList<>();
        for (DeviceIdentity device : registry.list()) {
            if (after != null && device.deviceId().compareTo(after) <= 0) {
                continue;
            }
            Twin twin = snapshot(device.deviceId(), document(device.deviceId()));
            if (Boolean.TRUE.equals(where.test(twin.json()))) {
                if (page.size() == pageSize) {
                    String last = page.get(page.size() - 1).deviceId();
                    return new QueryPage(page, Base64.getUrlEncoder().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
                }
                page.add(twin);
            }
        }
        return new QueryPage(page, null);
    }

    /** All twins that match a query, every page. */
    public List<Twin> query(String sql) {
        List<Twin> all = new ArrayList<>();
        String continuation = null;
        do {
            QueryPage page = query(sql, 1000, continuation);
            all.addAll(page.items());
            continuation = page.continuation();
        } while (continuation != null);
        return all;
    }

    /** The next {@code times} twin updates of the device (service or device side) fail with 429 / 429001. */
    public synchronized void throttleUpdates(String deviceId, int times) {
        throttled.put(deviceId, times);
    }

    // ---- device side ---------------------------------------------------------------------------

    /** The device's GET answer: {@code {"desired":{...,"$version":d},"reported":{...,"$version":r}}}. */
    public synchronized String deviceView(String deviceId) {
        TwinDocument doc = document(deviceId);
        return new JsonObject().put("desired", doc.desired.withVersion()).put("reported", doc.reported.withVersion())
                .encode();
    }

    /**
     * A reported-properties PATCH from the device.
     *
     * @param expectedVersion the {@code $version} the device sent with it, or null; a stale one gives 412
     * @return the new reported version
     */
    public synchronized int patchReported(String deviceId, String patchJson, Integer expectedVersion) {
        TwinDocument doc = document(deviceId);
        JsonObject patch = withoutReadOnly(parse(patchJson, "reported patch"));
        TwinLimits.checkContent(patch, "reported");
        if (expectedVersion != null && expectedVersion != doc.reported.version) {
            throw TwinException.preconditionFailed("The reported $version " + expectedVersion
                    + " is stale: the twin's reported properties are at version " + doc.reported.version);
        }
        takeThrottle(deviceId);
        doc.reported.patch(patch, "reported properties", now());
        doc.version++;
        notifyAll();
        return doc.reported.version;
    }

    /**
     * Registers the device's session for desired patches (the latest registration wins). Close the returned
     * handle when the session ends or unsubscribes; closing a superseded one changes nothing.
     */
    public synchronized AutoCloseable subscribeDesired(String deviceId, DesiredListener listener) {
        desiredListeners.put(deviceId, listener);
        return () -> {
            synchronized (Twins.this) {
                desiredListeners.remove(deviceId, listener);
            }
        };
    }

    /** Whether a session of the device is subscribed to desired patches. */
    public synchronized boolean isSubscribedToDesired(String deviceId) {
        return desiredListeners.containsKey(deviceId);
    }

    // ---- hub lifecycle -------------------------------------------------------------------------

    /** The device is gone: so is its twin (a device created again under the id starts at version 1). */
    synchronized void deviceDeleted(String deviceId) {
        documents.remove(deviceId);
        throttled.remove(deviceId);
        notifyAll();
    }

    /** Forgets every twin, throttle and subscription (the hub's reset). */
    public synchronized void reset() {
        documents.clear();
        throttled.clear();
        desiredListeners.clear();
        notifyAll();
    }

    // ---- internals -----------------------------------------------------------------------------

    private Twin change(String deviceId, String body, String ifMatch, boolean replace) {
        TwinDocument doc = document(deviceId);
        JsonObject request = parse(body, "twin");
        JsonObject tags = optionalObject(request, "tags", "tags");
        JsonObject properties = optionalObject(request, "properties", "properties");
        JsonObject desired = properties == null ? null
                : optionalObject(properties, "desired", "properties.desired");
        if (properties != null && properties.getValue("reported") != null) {
            throw TwinException.invalid("Reported properties are read-only for the service");
        }
        if (tags == null && desired == null) {
            throw TwinException.invalid("The twin update holds neither tags nor desired properties");
        }
        requireEtag(deviceId, doc, ifMatch);
        if (desired != null) {
            desired = withoutReadOnly(desired);
            TwinLimits.checkContent(desired, "desired");
        }
        if (tags != null) {
            TwinLimits.checkContent(tags, "tags");
        }
        takeThrottle(deviceId);
        String now = now();
        JsonObject desiredBefore = doc.desired.props;
        if (tags != null) { // each step checks its limit before anything applies: tags first, they are cheaper to undo
            JsonObject before = doc.tags;
            if (replace) {
                doc.replaceTags(tags);
            } else {
                doc.patchTags(tags);
            }
            if (desired != null) {
                try {
                    applyDesired(doc, desired, replace, now);
                } catch (TwinException e) {
                    doc.tags = before;
                    throw e;
                }
            }
        } else {
            applyDesired(doc, desired, replace, now);
        }
        doc.version++;
        if (desired != null) {
            notifyDesired(deviceId, doc, replace ? replacementPatch(desiredBefore, doc.desired.props) : desired);
        }
        notifyAll();
        return snapshot(deviceId, doc);
    }

    private static void applyDesired(TwinDocument doc, JsonObject desired, boolean replace, String now) {
        if (replace) {
            doc.desired.replace(desired, "desired properties", now);
        } else {
            doc.desired.patch(desired, "desired properties", now);
        }
    }

    /** A replacement reaches the device as a patch: the new members plus null for each removed one. */
    private static JsonObject replacementPatch(JsonObject before, JsonObject after) {
        JsonObject patch = after.copy();
        for (String key : before.fieldNames()) {
            if (!after.containsKey(key)) {
                patch.putNull(key);
            }
        }
        return patch;
    }

    private void notifyDesired(String deviceId, TwinDocument doc, JsonObject patch) {
        DesiredListener listener = desiredListeners.get(deviceId);
        if (listener != null) { // IoT Hub queues nothing for a device that is not subscribed
            listener.desiredPatch(doc.desired.version, patch.copy().put("$version", doc.desired.version).encode());
        }
    }

    private void requireEtag(String deviceId, TwinDocument doc, String ifMatch) {
        if (ifMatch == null) {
            return;
        }
        String wanted = unquote(ifMatch.trim());
        if (!wanted.equals("*") && !wanted.equals(doc.etag())) {
            throw TwinException.preconditionFailed("The If-Match etag " + ifMatch + " does not match the twin of "
                    + deviceId + " (etag \"" + doc.etag() + "\")");
        }
    }

    private void takeThrottle(String deviceId) {
        Integer left = throttled.get(deviceId);
        if (left != null && left > 0) {
            throttled.put(deviceId, left - 1);
            throw TwinException.throttled(deviceId);
        }
    }

    private TwinDocument document(String deviceId) {
        DeviceIdentity device = registry.find(deviceId).orElseThrow(() -> TwinException.deviceNotFound(deviceId));
        TwinDocument doc = documents.get(deviceId);
        if (doc == null || !doc.generationId.equals(device.generationId())) { // a new device under an old id
            doc = new TwinDocument(device.generationId(), now());
            documents.put(deviceId, doc);
        }
        return doc;
    }

    private Twin snapshot(String deviceId, TwinDocument doc) {
        DeviceIdentity device = registry.find(deviceId).orElseThrow(() -> TwinException.deviceNotFound(deviceId));
        return new Twin(doc.serviceView(device, connected.test(deviceId)));
    }

    private String now() {
        return HubTimestamps.FORMAT.format(clock.now());
    }

    private static JsonObject parse(String json, String what) {
        try {
            return JsonBody.object(json);
        } catch (IllegalArgumentException e) {
            throw TwinException.invalid("The " + what + " body is not a JSON object: " + e.getMessage());
        }
    }

    private static JsonObject optionalObject(JsonObject parent, String key, String what) {
        Object value = parent.getValue(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject object)) {
            throw TwinException.invalid("'" + what + "' must be a JSON object");
        }
        return object;
    }

    /** SDKs may echo {@code $version} and {@code $metadata} in what they send: they are the hub's to set. */
    private static JsonObject withoutReadOnly(JsonObject section) {
        JsonObject copy = section.copy();
        copy.remove("$version");
        copy.remove("$metadata");
        return copy;
    }

    private static String unquote(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1)
                : etag;
    }

    private static String decodeContinuation(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw TwinException.invalid("The continuation token '" + token + "' is not one this hub issued");
        }
    }
}
