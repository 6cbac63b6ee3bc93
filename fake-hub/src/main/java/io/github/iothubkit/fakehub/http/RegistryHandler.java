package io.github.iothubkit.fakehub.http;

import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.auth.Keys;
import io.github.iothubkit.fakehub.auth.Permission;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.registry.DeviceStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /devices/{id}}, {@code /devices/{id}/commands}, {@code /devices} and
 * {@code /statistics/devices} against the hub's registry, with IoT Hub's status codes and error bodies.
 */
final class RegistryHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
    /** Larger bodies are refused; a device's JSON is well under 1 KB. */
    static final int MAX_BODY = 256 * 1024;

    private final HubContext hub;
    private final DeviceRegistry registry;
    private final Predicate<String> connected;
    private final TwinRestHandler twinsAndMethods;
    /** Makes each check-then-change (etag, existence) atomic with respect to other REST calls. */
    private final Object writeLock = new Object();

    RegistryHandler(HubContext hub, Predicate<String> connected) {
        this.hub = hub;
        this.registry = hub.registry();
        this.connected = connected;
        this.twinsAndMethods = new TwinRestHandler(hub);
    }

    /** A request as read off the wire: the path raw (still percent-encoded) and the body whole. */
    record Request(String method, String rawPath, Function<String, String> header, byte[] body) {
        /** The body as text; a body over {@link #MAX_BODY} is refused rather than parsed. */
        String text() throws RegistryError {
            if (body.length > MAX_BODY) {
                throw RegistryError.badRequest("The request body is larger than " + MAX_BODY + " bytes");
            }
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What to answer: a JSON body or none, the device's ETag, and IoT Hub's error code on failures. */
    record Response(int status, String body, String etag, String errorCode, Map<String, String> headers,
            java.util.concurrent.CompletionStage<Response> deferred) {
        Response(int status, String body, String etag, String errorCode) {
            this(status, body, etag, errorCode, Map.of(), null);
        }

        Response(int status, String body, String etag, String errorCode, Map<String, String> headers) {
            this(status, body, etag, errorCode, headers, null);
        }

        /** An answer that comes later (a direct method waiting for its device), without holding a worker thread. */
        static Response later(java.util.concurrent.CompletionStage<Response> answer) {
            return new Response(0, null, null, null, Map.of(), answer);
        }

        static Response json(JsonObject json) {
            return new Response(200, json.encode(), null, null);
        }

        static Response json(JsonArray json) {
            return new Response(200, json.encode(), null, null);
        }
    }

    /** Answers one request; never throws. */
    Response handle(Request request) {
        String method = request.method().toUpperCase(Locale.ROOT);
        String path = request.rawPath();
        try {
            LOG.debug("Registry REST {} {}", method, path);
            return route(method, path, request);
        } catch (RegistryError e) {
            LOG.debug("Registry REST {} {} -> {} {}", method, path, e.status(), e.codeName());
            return new Response(e.status(), e.body(hub.clock().now()), null, e.codeName());
        } catch (RuntimeException e) {
            LOG.warn("Registry REST {} {} failed", method, path, e);
            return new Response(500, null, null, null);
        }
    }

    private Response route(String method, String path, Request request) throws RegistryError {
        List<String> segments = RegistryPaths.segments(path);
        int n = segments.size();
        String first = n > 0 ? segments.get(0).toLowerCase(Locale.ROOT) : "";
        if (TwinRestHandler.serves(method, segments)) {
            return twinsAndMethods.handle(method, segments, request);
        }
        if (n == 2 && first.equals("statistics") && segments.get(1).equalsIgnoreCase("devices")) {
            requireMethod(method, path, "GET");
            authorize(request, Permission.REGISTRY_READ);
            return statistics();
        }
        if (!first.equals("devices") || n > 3 || (n == 3 && !segments.get(2).equalsIgnoreCase("commands"))) {
            throw RegistryError.notFound(path);
        }
        if (n == 1) {
            requireMethod(method, path, "GET");
            authorize(request, Permission.REGISTRY_READ);
            return Response.json(new JsonArray(registry.list().stream().map(this::json).toList()));
        }
        String rawId = segments.get(1);
        if (n == 3) {
            requireMethod(method, path, "DELETE");
            authorize(request, Permission.SERVICE_CONNECT);
            return purge(existingId(rawId));
        }
        switch (method) {
            case "GET":
                authorize(request, Permission.REGISTRY_READ);
                String id = existingId(rawId);
                return deviceResponse(registry.find(id).orElseThrow(() -> RegistryError.deviceNotFound(id)));
            case "PUT":
                authorize(request, Permission.REGISTRY_WRITE);
                return put(rawId, request.text(), ifMatch(request));
            case "DELETE":
                authorize(request, Permission.REGISTRY_WRITE);
                return delete(existingId(rawId), ifMatch(request));
            default:
                throw RegistryError.methodNotAllowed(method, path);
        }
    }

    private Response put(String rawId, String body, String ifMatch) throws RegistryError {
        DeviceJson.DeviceRequest request;
        try {
            request = DeviceJson.parseRequest(body);
        } catch (IllegalArgumentException e) {
            throw RegistryError.badRequest("Invalid device JSON: " + e.getMessage());
        }
        String deviceId = RegistryPaths.chooseId(rawId, request.deviceId(), id -> registry.find(id).isPresent());
        if (deviceId == null) {
            throw RegistryError.badRequest("The deviceId in the body ('" + request.deviceId()
                    + "') does not match the one in the URL");
        }
        if (!DeviceRegistry.isValidDeviceId(deviceId)) {
            throw RegistryError.badRequest("Invalid device id '" + deviceId + "': " + DeviceRegistry.DEVICE_ID_RULE);
        }
        requireValidKey(request.primaryKey(), "primaryKey");
        requireValidKey(request.secondaryKey(), "secondaryKey");
        synchronized (writeLock) {
            Optional<DeviceIdentity> existing = registry.find(deviceId);
            if (ifMatch == null) {
                if (existing.isPresent()) {
                    throw RegistryError.deviceExists(deviceId);
                }
                return deviceResponse(create(deviceId, request));
            }
            DeviceIdentity current = existing.orElseThrow(() -> RegistryError.deviceNotFound(deviceId));
            requireEtag(current, ifMatch);
            try {
                return deviceResponse(update(current, request));
            } catch (NoSuchElementException e) { // deleted in-process meanwhile
                throw RegistryError.deviceNotFound(deviceId);
            }
        }
    }

    private DeviceIdentity create(String deviceId, DeviceJson.DeviceRequest request) throws RegistryError {
        String primary = request.primaryKey() != null ? request.primaryKey() : Keys.generate();
        String secondary = request.secondaryKey() != null ? request.secondaryKey() : Keys.generate();
        DeviceIdentity created;
        try {
            created = registry.create(deviceId, primary, secondary);
        } catch (IllegalStateException e) { // created in-process between our check and now
            throw RegistryError.deviceExists(deviceId);
        }
        return request.status() == DeviceStatus.DISABLED ? registry.disable(deviceId) : created;
    }

    private DeviceIdentity update(DeviceIdentity current, DeviceJson.DeviceRequest request) {
        String id = current.deviceId();
        DeviceIdentity result = current;
        String primary = request.primaryKey() != null ? request.primaryKey() : current.primaryKey();
        String secondary = request.secondaryKey() != null ? request.secondaryKey() : current.secondaryKey();
        if (!primary.equals(current.primaryKey()) || !secondary.equals(current.secondaryKey())) {
            result = registry.updateKeys(id, primary, secondary);
        }
        if (request.status() != null && request.status() != current.status()) {
            result = request.status() == DeviceStatus.ENABLED ? registry.enable(id) : registry.disable(id);
        }
        return result;
    }

    private Response delete(String deviceId, String ifMatch) throws RegistryError {
        synchronized (writeLock) {
            DeviceIdentity current = registry.find(deviceId).orElseThrow(() -> RegistryError.deviceNotFound(deviceId));
            requireEtag(current, ifMatch == null ? "*" : ifMatch);
            registry.delete(deviceId);
        }
        return new Response(204, null, null, null);
    }

    private Response purge(String deviceId) throws RegistryError {
        if (registry.find(deviceId).isEmpty()) {
            throw RegistryError.deviceNotFound(deviceId);
        }
        int purged = hub.cloudToDevice().purge(deviceId);
        return Response.json(new JsonObject().put("deviceId", deviceId).putNull("moduleId")
                .put("totalMessagesPurged", purged));
    }

    private Response statistics() {
        List<DeviceIdentity> all = registry.list();
        long enabled = all.stream().filter(DeviceIdentity::isEnabled).count();
        return Response.json(new JsonObject().put("totalDeviceCount", (long) all.size())
                .put("enabledDeviceCount", enabled).put("disabledDeviceCount", all.size() - enabled));
    }

    private Response deviceResponse(DeviceIdentity device) {
        return new Response(200, json(device).encode(), device.etag(), null);
    }

    private JsonObject json(DeviceIdentity device) {
        return DeviceJson.toJson(device, connected.test(device.deviceId()),
                hub.cloudToDevice().queued(device.deviceId()).size());
    }

    /** The registered id the path names: as sent (the Java SDK does not encode) or percent-decoded. */
    private String existingId(String rawId) {
        String id = RegistryPaths.chooseId(rawId, null, d -> registry.find(d).isPresent());
        return id == null ? rawId : id;
    }

    private void authorize(Request request, Permission permission) throws RegistryError {
        String token = request.header().apply("Authorization");
        if (token == null || token.isBlank()) {
            throw RegistryError.unauthorized("The Authorization header is missing: send a service SAS token");
        }
        HubAuthenticator.Result result = hub.authenticator().authenticateService(token.trim(), permission);
        if (!result.accepted()) {
            throw RegistryError.unauthorized(result.reason()); // reasons name policies, never keys or signatures
        }
    }

    private static void requireEtag(DeviceIdentity current, String ifMatch) throws RegistryError {
        String wanted = DeviceJson.bareEtag(ifMatch);
        if (!wanted.equals("*") && !wanted.equals(DeviceJson.bareEtag(current.etag()))) {
            throw RegistryError.preconditionFailed(current.deviceId());
        }
    }

    private static void requireValidKey(String key, String name) throws RegistryError {
        if (key != null && !Keys.isValid(key)) {
            throw RegistryError.badRequest("The " + name + " is not a valid Base64 key");
        }
    }

    private static void requireMethod(String method, String path, String allowed) throws RegistryError {
        if (!method.equals(allowed)) {
            throw RegistryError.methodNotAllowed(method, path);
        }
    }

    private static String ifMatch(Request request) {
        String value = request.header().apply("If-Match");
        return value == null || value.isBlank() ? null : value.trim();
    }
}
