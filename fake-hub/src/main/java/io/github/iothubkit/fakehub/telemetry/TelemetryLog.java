package io.github.iothubkit.fakehub.telemetry;

import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DEBUG line per accepted telemetry message, so that a client of the standalone hub (which has no
 * Event Hubs endpoint yet) can see exactly what the hub recorded: enable it with
 * {@code -Dorg.slf4j.simpleLogger.log.io.github.iothubkit.fakehub.telemetry=debug}. The line is
 * {@code Telemetry {json}} with the body in base64, so any bytes survive.
 */
final class TelemetryLog {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryLog.class);

    private TelemetryLog() {
    }

    static void recorded(TelemetryMessage message) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Telemetry {}", json(message));
        }
    }

    static String json(TelemetryMessage m) {
        return new JsonObject()
                .put("deviceId", m.deviceId())
                .put("messageId", m.messageId())
                .put("correlationId", m.correlationId())
                .put("contentType", m.contentType())
                .put("contentEncoding", m.contentEncoding())
                .put("systemProperties", sorted(m.systemProperties()))
                .put("properties", sorted(m.properties()))
                .put("body", Base64.getEncoder().encodeToString(m.body()))
                .encode();
    }

    private static JsonObject sorted(Map<String, String> map) {
        return new JsonObject(new TreeMap<String, Object>(map));
    }
}
