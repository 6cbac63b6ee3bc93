package io.github.iothubkit.fakehub.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.auth.Keys;
import io.github.iothubkit.fakehub.auth.Permission;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.registry.DeviceStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /devices/{id}}, {@code /devices/{id}/commands}, {@code /devices} and
 * {@code /statistics/devices} against the hub's registry, with IoT Hub's status codes and error bodies.
 */
final class RegistryHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
    private static final int MAX_BODY = 256 * 1024;

    private final HubContext hub;
    private final DeviceRegistry registry;
    private final Predicate<String> connected;
    /** Makes each check-then-change (etag, existence) atomic with respect to other REST calls. */
    private final Object writeLock = new Object();

    RegistryHandler(HubContext hub, Predicate<String> connected) {
        this.hub = hub;
        this.registry = hub.registry();
        this.connected = connected;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        try (exchange) {
            try {
                LOG.debug("Registry REST {} {}", method, path);
                Response response = route(method, path, exchange);
                send(exchange, response.status, response.body, response.etag);
            } catch (RegistryError e) {
                LOG.debug("Registry REST {} {} -> {} {}", method, path, e.status(), e.codeName());
                exchange.getResponseHeaders().set("iothub-errorcode", e.codeName()); // as IoT Hub does
                send(exchange, e.status(), e.body(hub.clock().now()), null);
            } catch (RuntimeException e) {
                LOG.warn("Registry REST {} {} failed", method, path, e);
                send(exchange, 500, null, null);
            }
        }
    }

    private record Response(int status, String body, String etag) {
        static Response json(Object json) {
            return new Response(200, Json.write(json), null);
        }
    }

    private Response route(String method, String path, HttpExchange exchange) throws RegistryError, IOException {
        List<String> segments = RegistryPaths.segments(path);
        int n = segments.size();
        String first = n > 0 ? segments.get(0).toLowerCase(Locale.ROOT) : "";
        if (n == 2 && first.equals("statistics") && segments.get(1).equalsIgnoreCase("devices")) {
            requireMethod(method, path, "GET");
            authorize(exchange, Permission.REGISTRY_READ);
            return statistics();
        }
        if (!first.equals("devices") || n > 3 || (n == 3 && !segments.get(2).equalsIgnoreCase("commands"))) {
            throw RegistryError.notFound(path);
        }
        if (n == 1) {
            requireMethod(method, path, "GET");
            authorize(exchange, Permission.REGISTRY_READ);
            return Response.json(registry.list().stream().map(this::json).toList());
        }
        String rawId = segments.get(1);
        if (n == 3) {
            requireMethod(method, path, "DELETE");
            authorize(exchange, Permission.SERVICE_CONNECT);
            return purge(existingId(rawId));
        }
        switch (method) {
            case "GET":
                authorize(exchange, Permission.REGISTRY_READ);
                return deviceResponse(registry.find(existingId(rawId)).orElseThrow(
                        () -> RegistryError.deviceNotFound(RegistryPaths.displayId(rawId))));
            case "PUT":
                authorize(exchange, Permission.REGISTRY_WRITE);
                return put(rawId, readBody(exchange), ifMatch(exchange));
            case "DELETE":
                authorize(exchange, Permission.REGISTRY_WRITE);
                return delete(existingId(rawId), ifMatch(exchange));
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
            throw RegistryError.badRequest("Invalid device id '" + deviceId
                    + "': use 1-128 ASCII letters, digits or - . + % _ # * ? ! ( ) , : = @ $ '");
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
        return new Response(204, null, null);
    }

    private Response purge(String deviceId) throws RegistryError {
        if (registry.find(deviceId).isEmpty()) {
            throw RegistryError.deviceNotFound(deviceId);
        }
        int purged = hub.cloudToDevice().purge(deviceId);
        return Response.json(Json.obj("deviceId", deviceId, "moduleId", null, "totalMessagesPurged", purged));
    }

    private Response statistics() {
        List<DeviceIdentity> all = registry.list();
        long enabled = all.stream().filter(DeviceIdentity::isEnabled).count();
        return Response.json(Json.obj("totalDeviceCount", (long) all.size(), "enabledDeviceCount", enabled,
                "disabledDeviceCount", all.size() - enabled));
    }

    private Response deviceResponse(DeviceIdentity device) {
        return new Response(200, Json.write(json(device)), device.etag());
    }

    private Map<String, Object> json(DeviceIdentity device) {
        return DeviceJson.toJson(device, connected.test(device.deviceId()),
                hub.cloudToDevice().queued(device.deviceId()).size());
    }

    /** The registered id the path names: as sent (the Java SDK does not encode) or percent-decoded. */
    private String existingId(String rawId) {
        String id = RegistryPaths.chooseId(rawId, null, d -> registry.find(d).isPresent());
        return id == null ? rawId : id;
    }

    private void authorize(HttpExchange exchange, Permission permission) throws RegistryError {
        String token = exchange.getRequestHeaders().getFirst("Authorization");
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

    private static String ifMatch(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst("If-Match");
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String readBody(HttpExchange exchange) throws IOException, RegistryError {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw RegistryError.badRequest("The request body is larger than " + MAX_BODY + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * Reads what is left of the request body before answering. The JDK's HTTPS server leaves unread body
     * bytes on a kept-alive connection, and after a few such requests it stops answering on it (seen with
     * 401s sent before the body was read). What the fake will not read is bounded: past it, it closes.
     */
    private static void drain(HttpExchange exchange) {
        long left = 4L * 1024 * 1024;
        try {
            InputStream in = exchange.getRequestBody();
            byte[] buffer = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                left -= n;
            }
        } catch (IOException alreadyReadAndClosed) {
            return;
        }
        if (left <= 0) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String etag) throws IOException {
        drain(exchange);
        if (etag != null) {
            exchange.getResponseHeaders().set("ETag", etag);
        }
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
