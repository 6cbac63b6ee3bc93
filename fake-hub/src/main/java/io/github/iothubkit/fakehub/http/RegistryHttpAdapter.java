package io.github.iothubkit.fakehub.http;

import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.SharedVertx;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTTPS listener (443), on the shared Vert.x: the registry REST subset and, through its
 * {@link FrontDoor}, the WebSocket transports the hub registers with {@link #webSocket}. {@code RegistryClient}
 * always uses port 443 and strict hostname checks, which the hub certificate's IP SAN satisfies; it offers
 * TLS 1.2 only, so both 1.2 and 1.3 are enabled. Every REST request that parses as HTTP reaches
 * {@link RegistryHandler}, and its
 * body is read to the end before the answer, so no answer is lost to the reset that closing a half-read
 * connection causes (the JDK's own server answered odd paths such as {@code //x} itself that way).
 */
public final class RegistryHttpAdapter implements Adapter {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpAdapter.class);
    /** Above every packet the MQTT and AMQP listeners accept, so they, not the WebSocket layer, refuse. */
    static final int MAX_WEBSOCKET_FRAME = 1024 * 1024;

    private final Predicate<String> connected;
    private final Map<String, Map<String, WebSocketTransport>> webSockets = FrontDoor.newRoutes();
    private SharedVertx.Listening listening;

    /** @param connected whether a device has a live connection, for {@code connectionState} */
    public RegistryHttpAdapter(Predicate<String> connected) {
        this.connected = Objects.requireNonNull(connected, "connected");
    }

    /**
     * Serves WebSocket upgrades on {@code path} (e.g. {@code /$iothub/websocket}) that offer {@code subprotocol}
     * (e.g. {@code mqtt}) by handing them to {@code transport}. Register before {@link #start}.
     */
    public synchronized RegistryHttpAdapter webSocket(String path, String subprotocol, WebSocketTransport transport) {
        if (listening != null) {
            throw new IllegalStateException("register WebSocket transports before the listener starts");
        }
        webSockets.computeIfAbsent(FrontDoor.normalise(path), p -> new LinkedHashMap<>())
                .put(Objects.requireNonNull(subprotocol, "subprotocol"), Objects.requireNonNull(transport, "transport"));
        return this;
    }

    /** {@link #webSocket} on IoT Hub's device path {@code /$iothub/websocket}. */
    public RegistryHttpAdapter webSocket(String subprotocol, WebSocketTransport transport) {
        return webSocket(FrontDoor.IOT_HUB_PATH, subprotocol, transport);
    }

    @Override
    public synchronized int start(HubContext hub, int port) throws Exception {
        Vertx vertx = SharedVertx.get();
        RegistryHandler handler = new RegistryHandler(hub, connected);
        HttpServerOptions options = SharedVertx.tls(new HttpServerOptions(), hub)
                .setHandle100ContinueAutomatically(true)
                .setMaxInitialLineLength(16 * 1024) // device ids percent-encoded three times over still fit
                .setMaxHeaderSize(32 * 1024)
                .setWebSocketSubProtocols(FrontDoor.subprotocols(webSockets))
                // Paho sends each MQTT packet as one frame: the transports' own limits (256 KB telemetry) decide
                .setMaxWebSocketFrameSize(MAX_WEBSOCKET_FRAME)
                .setMaxWebSocketMessageSize(MAX_WEBSOCKET_FRAME);
        FrontDoor door = new FrontDoor(webSockets, request -> serve(vertx, handler, request),
                refused -> refuse(refused, hub));
        HttpServer server = vertx.createHttpServer(options).requestHandler(door::handle);
        listening = SharedVertx.listen(hub.host(), port, p -> server.listen(p, hub.host()).map(HttpServer::actualPort),
                server::close);
        LOG.debug("Registry REST listening on https://{}", listening.address());
        return listening.port();
    }

    private static void serve(Vertx vertx, RegistryHandler handler, HttpServerRequest request) {
        Body body = new Body();
        request.exceptionHandler(e -> LOG.debug("Registry REST request failed", e));
        request.handler(body::add);
        // off the event loop: registry changes may disconnect devices or emit feedback
        io.vertx.core.Context context = vertx.getOrCreateContext();
        request.endHandler(end -> vertx.executeBlocking(() -> handler.handle(toRequest(request, body)), false)
                .onSuccess(response -> {
                    if (response.deferred() == null) {
                        answer(request.response(), response);
                    } else {
                        response.deferred().whenComplete((later, e) -> context.runOnContext(v -> {
                            if (e == null) {
                                answer(request.response(), later);
                            } else {
                                request.response().setStatusCode(500).end();
                            }
                        }));
                    }
                })
                .onFailure(e -> request.response().setStatusCode(500).end()));
    }

    /** Answers a refused WebSocket request as the registry answers its errors, once its body is read. */
    private static void refuse(FrontDoor.RequestError refused, HubContext hub) {
        HttpServerRequest request = refused.request();
        RegistryError e = refused.error();
        LOG.debug("HTTPS {} {} -> {} {}", request.method(), request.path(), e.status(), e.getMessage());
        request.handler(chunk -> { }).exceptionHandler(x -> { });
        request.endHandler(end -> answer(request.response(),
                new RegistryHandler.Response(e.status(), e.body(hub.clock().now()), null, e.codeName())));
    }

    private static RegistryHandler.Request toRequest(HttpServerRequest request, Body body) {
        return new RegistryHandler.Request(request.method().name(), request.path(), request::getHeader,
                body.kept.getBytes());
    }

    private static void answer(HttpServerResponse response, RegistryHandler.Response answer) {
        response.setStatusCode(answer.status())
                .putHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
        if (answer.etag() != null) {
            response.putHeader("ETag", answer.etag());
        }
        answer.headers().forEach(response::putHeader);
        if (answer.errorCode() != null) {
            response.putHeader("iothub-errorcode", answer.errorCode()); // as IoT Hub does
        }
        if (answer.body() == null) {
            response.end();
        } else {
            response.putHeader("Content-Type", "application/json; charset=utf-8").end(answer.body());
        }
    }

    /** The first {@code MAX_BODY + 1} bytes of a body: enough to tell it is too large. The rest is read and dropped. */
    private static final class Body {
        final Buffer kept = Buffer.buffer();

        void add(Buffer chunk) {
            int room = RegistryHandler.MAX_BODY + 1 - kept.length();
            if (room > 0) {
                kept.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
            }
        }
    }

    @Override
    public synchronized void close() {
        if (listening != null) {
            listening.close();
            listening = null;
        }
    }
}
