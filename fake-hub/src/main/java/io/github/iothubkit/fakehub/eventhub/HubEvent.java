package io.github.iothubkit.fakehub.eventhub;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One event of the built-in endpoint: a device-to-cloud message as a partition holds it, with the
 * system properties IoT Hub stamps on it.
 *
 * @param offset            the partition's byte position of the event (the wire carries it as a string)
 * @param authMethod        the {@code iothub-connection-auth-method} JSON
 * @param systemProperties  the device's {@code $.}-keys as sent (message id, correlation id, ...)
 * @param properties        the device's application properties
 */
public record HubEvent(String partitionId, long sequenceNumber, long offset, Instant enqueuedTime, String deviceId,
        String authMethod, String generationId, byte[] body, Map<String, String> systemProperties,
        Map<String, String> properties) {

    public HubEvent {
        body = body.clone();
        systemProperties = Map.copyOf(systemProperties);
        properties = Map.copyOf(properties);
    }

    @Override
    public byte[] body() {
        return body.clone();
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

    /** Bytes the event takes in the partition, for the next event's offset. */
    int size() {
        return body.length + 64 + properties.size() * 32;
    }

    @Override
    public String toString() {
        return "HubEvent{partition=" + partitionId + ", seq=" + sequenceNumber + ", device=" + deviceId
                + ", messageId=" + messageId() + ", body=" + body.length + " bytes}";
    }
}
