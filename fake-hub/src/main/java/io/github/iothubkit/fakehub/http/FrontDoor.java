package io.github.iothubkit.fakehub.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's one HTTPS port (443), as IoT Hub has it: every request is REST (the registry today; twins and
 * methods next) except those on a WebSocket path ({@code /$iothub/websocket}, later
 * {@code /$servicebus/websocket}), whose upgrade goes to the {@link WebSocketTransport} of the subprotocol
 * the client offers ({@code mqtt}, {@code AMQPWSB10}). The path is matched after dropping an absolute-form
 * {@code https://host} prefix (the Java AMQP clients send one) and the query
 * ({@code ?iothub-no-client-cert=true}), ignoring case and a trailing slash. On a WebSocket path, a request
 * that is no upgrade, or offers no subprotocol the hub serves, gets 400 with IoT Hub's error body.
 */
final class FrontDoor {

    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);
    static final String IOT_HUB_PATH = "/$iothub/websocket";

    /** Normalised path, then subprotocol (as the client spells it: RFC 6455 tokens are case-sensitive). */
    private final Map<String, Map<String, WebSocketTransport>> routes;
    private final Consumer<HttpServerRequest> rest;
    private final Consumer<RequestError> refuse;

    /** A refusal of a WebSocket request, answered like a REST error. */
    record RequestError(HttpServerRequest request, RegistryError error) {
    }

    FrontDoor(Map<String, Map<String, WebSocketTransport>> routes, Consumer<HttpServerRequest> rest,
            Consumer<RequestError> refuse) {
        this.routes = routes;
        this.rest = rest;
        this.refuse = refuse;
    }

    /** The subprotocols offered on any WebSocket path, for the server's handshake negotiation. */
    static List<String> subprotocols(Map<String, Map<String, WebSocketTransport>> routes) {
        List<String> all = new ArrayList<>();
        routes.values().forEach(byProtocol -> byProtocol.keySet().stream().filter(p -> !all.contains(p)).forEach(all::add));
        return all;
    }

    void handle(HttpServerRequest request) {
        Map<String, WebSocketTransport> transports = routes.get(normalise(request.uri()));
        if (transports == null) {
            rest.accept(request);
            return;
        }
        String path = request.path();
        if (!request.canUpgradeToWebSocket()) {
            refuse.accept(new RequestError(request, RegistryError.badRequest(
                    path + " accepts only WebSocket upgrades (GET with Upgrade: websocket)")));
            return;
        }
        String offered = request.getHeader("Sec-WebSocket-Protocol");
        String protocol = choose(offered, transports);
        if (protocol == null) {
            refuse.accept(new RequestError(request, RegistryError.badRequest("Sec-WebSocket-Protocol '"
                    + (offered == null ? "" : offered) + "' offers none of " + transports.keySet() + " on " + path)));
            return;
        }
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                LOG.debug("WebSocket upgrade on {} failed", path, upgraded.cause());
                return;
            }
            ServerWebSocket ws = upgraded.result();
            ws.pause(); // until the transport is ready for the client's bytes
            // the handshake picked from every path's subprotocols; this path may serve fewer
            WebSocketTransport transport = transports.get(ws.subProtocol());
            if (transport == null) {
                ws.close((short) 1002, "subprotocol " + ws.subProtocol() + " is not served on " + path);
                return;
            }
            try {
                transport.open(ws);
            } catch (RuntimeException e) {
                LOG.warn("WebSocket transport {} failed to open", ws.subProtocol(), e);
                ws.close((short) 1011, "internal error");
            }
        });
    }

    /** The first offered subprotocol the path serves, as the server's handshake picks it. */
    private static String choose(String offered, Map<String, WebSocketTransport> transports) {
        if (offered == null) {
            return null;
        }
        return Arrays.stream(offered.split(",")).map(String::trim).filter(transports::containsKey).findFirst()
                .orElse(null);
    }

    /** {@code https://h/$IotHub/WebSocket/?q} gives {@code /$iothub/websocket}. */
    static String normalise(String uri) {
        String path = uri == null ? "" : uri;
        int scheme = path.indexOf("://");
        if (scheme > 0 && path.indexOf('/') > scheme) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.toLowerCase(Locale.ROOT);
    }

    /** A route table to fill before the server starts: path, then subprotocol. */
    static Map<String, Map<String, WebSocketTransport>> newRoutes() {
        return new LinkedHashMap<>();
    }
}
