package io.github.iothubkit.fakehub.http;

import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.auth.Permission;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.JsonBody;
import io.github.iothubkit.fakehub.method.MethodException;
import io.github.iothubkit.fakehub.method.MethodRequest;
import io.github.iothubkit.fakehub.twin.QueryPage;
import io.github.iothubkit.fakehub.twin.Twin;
import io.github.iothubkit.fakehub.twin.TwinException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The twin, direct-method and query REST of IoT Hub: {@code GET/PATCH/PUT /twins/{id}},
 * {@code POST /twins/{id}/methods} and {@code POST /devices/query}, translated to the {@code twin/} and
 * {@code method/} owners. The Java SDK's {@code POST} + {@code X-HTTP-Method-Override: PATCH} counts as PATCH.
 */
final class TwinRestHandler {

    /** IoT Hub's page size when the caller names none. */
    static final int DEFAULT_PAGE_SIZE = 100;

    private final HubContext hub;

    TwinRestHandler(HubContext hub) {
        this.hub = hub;
    }

    /** Whether this handler serves the request: {@code /twins/...} or {@code POST /devices/query}. */
    static boolean serves(String method, List<String> segments) {
        return !segments.isEmpty() && segments.get(0).equalsIgnoreCase("twins")
                || segments.size() == 2 && segments.get(0).equalsIgnoreCase("devices")
                        && segments.get(1).equalsIgnoreCase("query") && method.equals("POST");
    }

    RegistryHandler.Response handle(String method, List<String> segments, RegistryHandler.Request request)
            throws RegistryError {
        String override = request.header().apply("X-HTTP-Method-Override");
        String effective = method.equals("POST") && override != null ? override.trim().toUpperCase(Locale.ROOT) : method;
        try {
            if (segments.get(0).equalsIgnoreCase("devices")) {
                authorize(request, Permission.REGISTRY_READ, Permission.SERVICE_CONNECT);
                return query(request);
            }
            if (segments.size() == 3 && segments.get(2).equalsIgnoreCase("methods")) {
                require(effective, "POST", request.rawPath());
                authorize(request, Permission.SERVICE_CONNECT);
                return invoke(deviceId(segments.get(1)), request);
            }
            if (segments.size() != 2) {
                throw RegistryError.notFound(request.rawPath()); // modules and the rest: not served
            }
            String deviceId = deviceId(segments.get(1));
            switch (effective) {
                case "GET" -> {
                    authorize(request, Permission.REGISTRY_READ, Permission.SERVICE_CONNECT);
                    return twin(hub.twins().get(deviceId));
                }
                case "PATCH" -> {
                    authorize(request, Permission.SERVICE_CONNECT, Permission.REGISTRY_WRITE);
                    return twin(hub.twins().update(deviceId, request.text(), ifMatch(request)));
                }
                case "PUT" -> {
                    authorize(request, Permission.SERVICE_CONNECT, Permission.REGISTRY_WRITE);
                    return twin(hub.twins().replace(deviceId, request.text(), ifMatch(request)));
                }
                default -> throw RegistryError.methodNotAllowed(effective, request.rawPath());
            }
        } catch (TwinException e) {
            return error(e.status(), e.errorCode(), e.codeName(), "ErrorCode:" + e.codeName() + ";" + e.getMessage(),
                    new JsonObject());
        } catch (MethodException e) {
            return error(e.status(), e.errorCode(), e.codeName(), e.getMessage(), new JsonObject(e.infoJson()));
        }
    }

    private RegistryHandler.Response query(RegistryHandler.Request request) throws RegistryError {
        JsonObject body = object(request.text());
        Object sql = body.getValue("query");
        if (!(sql instanceof String text)) {
            throw RegistryError.badRequest("The query body needs a string 'query'");
        }
        int pageSize = DEFAULT_PAGE_SIZE;
        String max = request.header().apply("x-ms-max-item-count");
        if (max != null && !max.isBlank()) {
            try {
                pageSize = Integer.parseInt(max.trim());
            } catch (NumberFormatException e) {
                throw RegistryError.badRequest("x-ms-max-item-count is not a number: " + max);
            }
        }
        String continuation = request.header().apply("x-ms-continuation");
        QueryPage page = hub.twins().query(text, pageSize,
                continuation == null || continuation.isBlank() ? null : continuation);
        JsonArray items = new JsonArray();
        page.items().forEach(t -> items.add(new JsonObject(t.toJson())));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ms-item-type", "twin");
        if (page.continuation() != null) { // none at all on the last page: an empty one means "more" to the SDKs
            headers.put("x-ms-continuation", page.continuation());
        }
        return new RegistryHandler.Response(200, items.encode(), null, null, headers);
    }

    private RegistryHandler.Response invoke(String deviceId, RegistryHandler.Request request) throws RegistryError {
        JsonObject body = object(request.text());
        Object name = body.getValue("methodName");
        if (!(name instanceof String methodName)) {
            throw RegistryError.badRequest("The invocation needs a string 'methodName'");
        }
        MethodRequest invocation = new MethodRequest(methodName, Json.encode(body.getValue("payload")),
                seconds(body, "responseTimeoutInSeconds"), seconds(body, "connectTimeoutInSeconds"));
        // A manual clock nobody moves would hold the caller forever: bound the wait in wall time as well.
        Duration wallLimit = invocation.responseTimeout().plus(invocation.connectTimeout()).plusSeconds(10);
        return RegistryHandler.Response.later(hub.methods().invokeAsync(deviceId, invocation)
                .orTimeout(wallLimit.toMillis(), TimeUnit.MILLISECONDS)
                .handle((result, error) -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause == null) {
                        return new RegistryHandler.Response(200, new JsonObject().put("status", result.status())
                                .put("payload", payload(result.payloadJson())).encode(), null, null);
                    }
                    MethodException failure = cause instanceof MethodException m ? m : MethodException.timedOut();
                    return error(failure.status(), failure.errorCode(), failure.codeName(), failure.getMessage(),
                            new JsonObject(failure.infoJson()));
                }));
    }

    /** The device's payload as JSON; text that is not JSON travels as a JSON string. */
    private static Object payload(String json) {
        try {
            return Json.decodeValue(json);
        } catch (DecodeException e) {
            return json;
        }
    }

    private static Duration seconds(JsonObject body, String name) throws RegistryError {
        Object value = body.getValue(name);
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim()));
        } catch (NumberFormatException e) {
            throw RegistryError.badRequest(name + " is not a number: " + value);
        }
    }

    private String deviceId(String rawId) {
        String id = RegistryPaths.chooseId(rawId, null, d -> hub.registry().find(d).isPresent());
        return id == null ? rawId : id;
    }

    private static RegistryHandler.Response twin(Twin twin) {
        return new RegistryHandler.Response(200, twin.toJson(), "\"" + twin.etag() + "\"", null);
    }

    /** IoT Hub's error answer; the body is {@link RegistryError}'s, with IoT Hub's {@code info} object. */
    private RegistryHandler.Response error(int status, int code, String name, String message, JsonObject info) {
        return new RegistryHandler.Response(status, RegistryError.body(code, message, info, hub.clock().now()), null,
                name);
    }

    private static JsonObject object(String text) throws RegistryError {
        try {
            return JsonBody.object(text);
        } catch (IllegalArgumentException e) {
            throw RegistryError.badRequest("The body is not a JSON object: " + e.getMessage());
        }
    }

    private void authorize(RegistryHandler.Request request, Permission... anyOf) throws RegistryError {
        String token = request.header().apply("Authorization");
        if (token == null || token.isBlank()) {
            throw RegistryError.unauthorized("The Authorization header is missing: send a service SAS token");
        }
        HubAuthenticator.Result result = null;
        for (Permission p : anyOf) {
            result = hub.authenticator().authenticateService(token.trim(), p);
            if (result.accepted()) {
                return;
            }
        }
        throw RegistryError.unauthorized(result.reason());
    }

    private static void require(String method, String allowed, String path) throws RegistryError {
        if (!method.equals(allowed)) {
            throw RegistryError.methodNotAllowed(method, path);
        }
    }

    private static String ifMatch(RegistryHandler.Request request) {
        String value = request.header().apply("If-Match");
        return value == null || value.isBlank() ? null : value.trim();
    }
}
