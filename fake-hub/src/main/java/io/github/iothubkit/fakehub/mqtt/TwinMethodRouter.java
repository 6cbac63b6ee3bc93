package io.github.iothubkit.fakehub.mqtt;

import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.method.DirectMethodsSpi;
import io.github.iothubkit.fakehub.session.Feature;
import io.github.iothubkit.fakehub.twin.TwinException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The twin and method topics of one device connection, translated to the {@code twin/} and {@code method/}
 * owners. Topics are written exactly as the Java SDK parses them ({@code /?$rid=} with {@code $rid} before
 * {@code $version}, a three-digit status); requests are read liberally (any parameter order, with or without
 * the {@code /} before {@code ?}). Hub-to-device traffic goes at QoS 0, as IoT Hub sends it.
 */
final class TwinMethodRouter {

    private static final Logger LOG = LoggerFactory.getLogger(TwinMethodRouter.class);
    static final String DESIRED_FILTER = "$iothub/twin/PATCH/properties/desired/#";
    static final String METHODS_FILTER = "$iothub/methods/POST/#";
    static final String RESPONSES_FILTER = "$iothub/twin/res/#";

    /** How long a request waits for its PUBACK, and its answer as long again: a network round trip (see onPublish). */
    static final Duration REQUEST_LATENCY = Duration.ofMillis(20);

    private final HubContext hub;
    private final String deviceId;
    private final ChannelHandlerContext ctx;
    private AutoCloseable desired;
    private AutoCloseable methods;
    /** Whether the device subscribed to twin responses: IoT Hub publishes nothing to a topic nobody subscribed. */
    private volatile boolean responses;

    TwinMethodRouter(HubContext hub, String deviceId, ChannelHandlerContext ctx) {
        this.hub = hub;
        this.deviceId = deviceId;
        this.ctx = ctx;
    }

    static boolean isRequest(String topic) {
        return topic.startsWith("$iothub/twin/") || topic.startsWith("$iothub/methods/res/");
    }

    /** The features a subscription filter turns on. */
    static Set<Feature> features(String filter) {
        return filter.equals(DESIRED_FILTER) ? EnumSet.of(Feature.TWIN_DESIRED)
                : filter.equals(METHODS_FILTER) ? EnumSet.of(Feature.METHODS)
                : filter.equals(RESPONSES_FILTER) ? EnumSet.of(Feature.TWIN_RESPONSES) : EnumSet.noneOf(Feature.class);
    }

    /**
     * A twin or method request: PUBACK after {@link #REQUEST_LATENCY}, the answer as long again after it, as from a
     * hub across a network. The Java device SDK 2.5.0 has two races that a loopback hub answering in microseconds
     * hits on a loaded machine: it records a twin or method publish under a lock its PUBACK callback does not take
     * (an early PUBACK is ignored), and a response that lands while its threads still handle the PUBACK may lose
     * its correlation entry. Either way the call times out after 60 s.
     */
    void onPublish(String topic, MqttQoS qos, int packetId, byte[] body) {
        long latency = REQUEST_LATENCY.toNanos();
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive() && qos == MqttQoS.AT_LEAST_ONCE) {
                ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(packetId).build());
            }
        }, latency, TimeUnit.NANOSECONDS);
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                onRequest(topic, body);
            }
        }, 2 * latency, TimeUnit.NANOSECONDS);
    }

    /** A device request, after its PUBACK. */
    private void onRequest(String topic, byte[] body) {
        Map<String, String> params = params(topic);
        String path = path(topic);
        if (path.startsWith("$iothub/methods/res/")) {
            onMethodResponse(path.substring("$iothub/methods/res/".length()), params.get("$rid"), body);
            return;
        }
        String rid = params.get("$rid");
        if (rid == null) {
            LOG.info("Ignoring twin request of '{}' without $rid: {}", deviceId, topic);
            return;
        }
        try {
            if (path.equals("$iothub/twin/GET")) {
                respond(200, rid, null, hub.twins().deviceView(deviceId).getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("$iothub/twin/PATCH/properties/reported")) {
                Integer expected = params.containsKey("$version") ? Integer.valueOf(params.get("$version")) : null;
                int version = hub.twins().patchReported(deviceId, new String(body, StandardCharsets.UTF_8), expected);
                respond(204, rid, version, new byte[0]);
            } else {
                respond(400, rid, null, error(400004, "The fake IoT Hub serves no twin operation at " + path));
            }
        } catch (NumberFormatException e) {
            respond(400, rid, null, error(400004, "$version is not an integer: " + params.get("$version")));
        } catch (TwinException e) {
            respond(e.status(), rid, null, error(e.errorCode(), e.getMessage()));
        }
    }

    private void onMethodResponse(String status, String rid, byte[] body) {
        try {
            if (rid == null) {
                throw new NumberFormatException("no $rid");
            }
            hub.methods().respond(deviceId, rid, Integer.parseInt(status), new String(body, StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            LOG.info("Ignoring method response of '{}' with status '{}' and $rid {}: {}", deviceId, status, rid,
                    e.getMessage());
        }
    }

    private void respond(int status, String rid, Integer version, byte[] body) {
        if (!responses) {
            LOG.info("Not answering twin request {} of '{}' with {}: it is not subscribed to {}", rid, deviceId, status,
                    RESPONSES_FILTER);
            return;
        }
        publish("$iothub/twin/res/" + status + "/?$rid=" + rid + (version == null ? "" : "&$version=" + version),
                body);
    }

    /** Turns a feature on for this connection (after its SUBACK, or when a persistent session resumes). */
    void subscribe(Feature feature) {
        if (feature == Feature.TWIN_RESPONSES) {
            responses = true;
        } else if (feature == Feature.TWIN_DESIRED && desired == null) {
            desired = hub.twins().subscribeDesired(deviceId, (version, patch) -> publish(
                    "$iothub/twin/PATCH/properties/desired/?$version=" + version, patch.getBytes(StandardCharsets.UTF_8)));
        } else if (feature == Feature.METHODS && methods == null) {
            methods = DirectMethodsSpi.of(hub.methods()).subscribed(deviceId, (rid, name, payload) -> publish(
                    "$iothub/methods/POST/" + name + "/?$rid=" + rid, payload.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Turns off what an UNSUBSCRIBE of {@code filter} names. */
    void unsubscribe(String filter) {
        for (Feature f : features(filter)) {
            switch (f) {
                case TWIN_RESPONSES -> responses = false;
                case TWIN_DESIRED -> desired = close(desired);
                case METHODS -> methods = close(methods);
                default -> { } // C2D is not this router's
            }
        }
    }

    /** The connection is gone. */
    void closeAll() {
        responses = false;
        desired = close(desired);
        methods = close(methods);
    }

    private static AutoCloseable close(AutoCloseable handle) {
        if (handle != null) {
            try {
                handle.close();
            } catch (Exception e) {
                LOG.debug("closing a subscription failed", e);
            }
        }
        return null;
    }

    /** Twin responses, desired patches and method requests: QoS 0, as IoT Hub sends them; any thread, in order. */
    private void publish(String topic, byte[] body) {
        ctx.channel().eventLoop().execute(() -> {
            if (ctx.channel().isActive()) {
                MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE, false, 0);
                ctx.writeAndFlush(new MqttPublishMessage(header, new MqttPublishVariableHeader(topic, 0),
                        Unpooled.wrappedBuffer(body)));
            }
        });
    }

    /** The error body Node reads (Java and Python read only the status). */
    private static byte[] error(int code, String message) {
        return new io.vertx.core.json.JsonObject().put("errorCode", code).put("message", message).encode()
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String path(String topic) {
        int q = topic.indexOf('?');
        String path = q < 0 ? topic : topic.substring(0, q);
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static Map<String, String> params(String topic) {
        Map<String, String> params = new LinkedHashMap<>();
        int q = topic.indexOf('?');
        if (q < 0) {
            return params;
        }
        for (String pair : topic.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return params;
    }
}
