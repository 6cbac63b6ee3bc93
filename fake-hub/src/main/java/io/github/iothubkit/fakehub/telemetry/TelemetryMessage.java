package io.github.iothubkit.fakehub.telemetry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * A device-to-cloud message the hub accepted, with its decoded property bag.
 *
 * @param systemProperties the {@code $.}-prefixed keys as sent, e.g. {@code $.mid}, {@code $.ct}
 * @param properties       the application properties
 */
public record TelemetryMessage(String deviceId, String topic, byte[] body, Map<String, String> systemProperties,
        Map<String, String> properties, Instant receivedTime) {

    public TelemetryMessage {
        body = body.clone();
        systemProperties = Map.copyOf(systemProperties);
        properties = Map.copyOf(properties);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body's size in bytes, without copying it. */
    public int bodySize() {
        return body.length;
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public String messageId() {
        return systemProperties.get("$.mid");
    }

    public String correlationId() {
        return systemProperties.get("$.cid");
    }

    public String userId() {
        return systemProperties.get("$.uid");
    }

    public String contentType() {
        return systemProperties.get("$.ct");
    }

    public String contentEncoding() {
        return systemProperties.get("$.ce");
    }

    /** The component name ({@code dt-subject}), if the device sent one. */
    public String subject() {
        return systemProperties.get("$.sub");
    }

    @Override
    public String toString() {
        return "TelemetryMessage{" + deviceId + ", messageId=" + messageId() + ", properties=" + properties
                + ", body=" + body.length + " bytes}";
    }
}
