package io.github.iothubkit.fakehub.c2d;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A cloud-to-device message: body, system properties and application properties. Immutable; each
 * wither returns a copy, so a message can be a shared constant in a test.
 *
 * <pre>{@code C2dMessage.of("{\"t\":21}").messageId("m1").ack(AckMode.FULL).property("k", "v")}</pre>
 */
public final class C2dMessage {

    private final byte[] body;
    private final String messageId;
    private final String correlationId;
    private final String contentType;
    private final String contentEncoding;
    private final String userId;
    private final Instant expiryTime;
    private final AckMode ack;
    private final Map<String, String> properties;

    private C2dMessage(byte[] body, String messageId, String correlationId, String contentType,
            String contentEncoding, String userId, Instant expiryTime, AckMode ack, Map<String, String> properties) {
        this.body = body;
        this.messageId = messageId;
        this.correlationId = correlationId;
        this.contentType = contentType;
        this.contentEncoding = contentEncoding;
        this.userId = userId;
        this.expiryTime = expiryTime;
        this.ack = ack;
        this.properties = properties;
    }

    /** A message whose body is {@code body} in UTF-8, with no properties and ack mode {@code none}. */
    public static C2dMessage of(String body) {
        return of(body.getBytes(StandardCharsets.UTF_8));
    }

    public static C2dMessage of(byte[] body) {
        return new C2dMessage(body.clone(), null, null, null, null, null, null, AckMode.NONE, Map.of());
    }

    public C2dMessage messageId(String id) {
        return new C2dMessage(body, id, correlationId, contentType, contentEncoding, userId, expiryTime, ack, properties);
    }

    public C2dMessage correlationId(String id) {
        return new C2dMessage(body, messageId, id, contentType, contentEncoding, userId, expiryTime, ack, properties);
    }

    public C2dMessage contentType(String type) {
        return new C2dMessage(body, messageId, correlationId, type, contentEncoding, userId, expiryTime, ack, properties);
    }

    public C2dMessage contentEncoding(String encoding) {
        return new C2dMessage(body, messageId, correlationId, contentType, encoding, userId, expiryTime, ack, properties);
    }

    public C2dMessage userId(String id) {
        return new C2dMessage(body, messageId, correlationId, contentType, contentEncoding, id, expiryTime, ack, properties);
    }

    /** Absolute expiry; without one the hub's default time to live (1 hour) applies. */
    public C2dMessage expiryTime(Instant expiry) {
        return new C2dMessage(body, messageId, correlationId, contentType, contentEncoding, userId, expiry, ack, properties);
    }

    public C2dMessage ack(AckMode mode) {
        return new C2dMessage(body, messageId, correlationId, contentType, contentEncoding, userId, expiryTime,
                Objects.requireNonNull(mode, "ack"), properties);
    }

    /** Adds (or replaces) an application property. */
    public C2dMessage property(String name, String value) {
        Objects.requireNonNull(name, "property name");
        Objects.requireNonNull(value, "property value");
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(name, value);
        return new C2dMessage(body, messageId, correlationId, contentType, contentEncoding, userId, expiryTime, ack,
                Collections.unmodifiableMap(copy));
    }

    /** Replaces all application properties (insertion order is kept on the wire). */
    public C2dMessage properties(Map<String, String> all) {
        Map<String, String> copy = new LinkedHashMap<>(all);
        copy.forEach((k, v) -> Objects.requireNonNull(v, () -> "value of property " + k));
        return new C2dMessage(body, messageId, correlationId, contentType, contentEncoding, userId, expiryTime, ack,
                Collections.unmodifiableMap(copy));
    }

    public byte[] body() {
        return body.clone();
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Null until set; the hub assigns one when the message is sent. */
    public String messageId() {
        return messageId;
    }

    public String correlationId() {
        return correlationId;
    }

    public String contentType() {
        return contentType;
    }

    public String contentEncoding() {
        return contentEncoding;
    }

    public String userId() {
        return userId;
    }

    public Instant expiryTime() {
        return expiryTime;
    }

    public AckMode ack() {
        return ack;
    }

    public Map<String, String> properties() {
        return properties;
    }

    /**
     * The size IoT Hub counts against its 64 KB limit: body, system property values, and application
     * property names and values, in UTF-8 bytes.
     */
    public int size() {
        int size = body.length;
        for (String v : new String[] {messageId, correlationId, contentType, contentEncoding, userId}) {
            size += utf8Length(v);
        }
        for (Map.Entry<String, String> p : properties.entrySet()) {
            size += utf8Length(p.getKey()) + utf8Length(p.getValue());
        }
        return size;
    }

    private static int utf8Length(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public String toString() {
        return "C2dMessage{messageId=" + messageId + ", correlationId=" + correlationId + ", contentType=" + contentType
                + ", ack=" + ack.wireName() + ", properties=" + properties + ", body=" + body.length + " bytes}";
    }
}
