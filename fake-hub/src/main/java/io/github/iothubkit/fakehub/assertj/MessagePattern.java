package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a C2D or telemetry message should look like: only the fields set here are compared, so that a
 * failed search can show, field by field, how the closest messages differ.
 *
 * <pre>{@code MessagePattern.message().messageId("m1").property("alert", "high").body("{\"t\":21}")}</pre>
 */
public final class MessagePattern implements Predicate<TelemetryMessage> {

    private final Map<String, String> fields;

    private MessagePattern(Map<String, String> fields) {
        this.fields = fields;
    }

    /** A pattern that matches every message; narrow it with the withers. */
    public static MessagePattern message() {
        return new MessagePattern(Map.of());
    }

    public MessagePattern messageId(String id) {
        return with("messageId", id);
    }

    public MessagePattern correlationId(String id) {
        return with("correlationId", id);
    }

    public MessagePattern contentType(String type) {
        return with("contentType", type);
    }

    public MessagePattern contentEncoding(String encoding) {
        return with("contentEncoding", encoding);
    }

    /** The body, as UTF-8 text. */
    public MessagePattern body(String body) {
        return with("body", body);
    }

    /** An application property that must be present with this value (others may be present too). */
    public MessagePattern property(String name, String value) {
        return with("property " + name, value);
    }

    private MessagePattern with(String field, String value) {
        Map<String, String> copy = new LinkedHashMap<>(fields);
        copy.put(field, Objects.requireNonNull(value, field));
        return new MessagePattern(Collections.unmodifiableMap(copy));
    }

    @Override
    public boolean test(TelemetryMessage message) {
        return matches(fieldsOf(message));
    }

    public boolean matches(C2dRecord record) {
        return matches(fieldsOf(record));
    }

    /** The fields this pattern compares, in the order they were set. */
    Map<String, String> expected() {
        return fields;
    }

    boolean matches(Map<String, String> actual) {
        return fields.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
    }

    static Map<String, String> fieldsOf(TelemetryMessage m) {
        return fields(m.messageId(), m.correlationId(), m.contentType(), m.contentEncoding(), m.bodyAsString(),
                m.properties());
    }

    static Map<String, String> fieldsOf(C2dRecord r) {
        C2dMessage m = r.message();
        return fields(m.messageId(), m.correlationId(), m.contentType(), m.contentEncoding(), m.bodyAsString(),
                m.properties());
    }

    private static Map<String, String> fields(String messageId, String correlationId, String contentType,
            String contentEncoding, String body, Map<String, String> properties) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("messageId", messageId);
        all.put("correlationId", correlationId);
        all.put("contentType", contentType);
        all.put("contentEncoding", contentEncoding);
        all.put("body", body);
        properties.forEach((k, v) -> all.put("property " + k, v));
        return all;
    }

    @Override
    public String toString() {
        return "MessagePattern" + fields;
    }
}
