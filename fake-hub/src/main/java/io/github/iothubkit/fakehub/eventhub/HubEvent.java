package io.github.iothubkit.fakehub.eventhub;

import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event of the built-in endpoint: the accepted device-to-cloud message as a partition holds it, with
 * the system properties IoT Hub stamps on it. The message's own fields stay in {@link TelemetryMessage};
 * the accessors below only forward to it.
 *
 * @param offset     the partition's byte position of the event (the wire carries it as a string)
 * @param authMethod the {@code iothub-connection-auth-method} JSON
 * @param message    the device's message: body, {@code $.}-keys as sent, application properties
 */
public record HubEvent(String partitionId, long sequenceNumber, long offset, Instant enqueuedTime,
        String authMethod, String generationId, TelemetryMessage message) {

    public HubEvent {
        Objects.requireNonNull(message, "message");
    }

    public String deviceId() {
        return message.deviceId();
    }

    public byte[] body() {
        return message.body();
    }

    public String bodyAsString() {
        return message.bodyAsString();
    }

    /** The device's {@code $.}-keys as sent (message id, correlation id, ...). */
    public Map<String, String> systemProperties() {
        return message.systemProperties();
    }

    /** The device's application properties. */
    public Map<String, String> properties() {
        return message.properties();
    }

    public String messageId() {
        return message.messageId();
    }

    public String correlationId() {
        return message.correlationId();
    }

    public String userId() {
        return message.userId();
    }

    public String contentType() {
        return message.contentType();
    }

    public String contentEncoding() {
        return message.contentEncoding();
    }

    /** The component name ({@code dt-subject}), if the device sent one. */
    public String subject() {
        return message.subject();
    }

    /** Bytes the event takes in the partition, for the next event's offset. */
    int size() {
        return message.bodySize() + 64 + message.properties().size() * 32;
    }

    @Override
    public String toString() {
        return "HubEvent{partition=" + partitionId + ", seq=" + sequenceNumber + ", device=" + deviceId()
                + ", messageId=" + messageId() + ", body=" + message.bodySize() + " bytes}";
    }
}
