package io.github.iothubkit.fakehub.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reading the JSON a client sent (a registry PUT, a twin patch, a method payload) into Vert.x
 * {@link JsonObject}/{@link JsonArray}, and writing with their {@code encode()}: compact, members in
 * insertion order. Text that is not JSON, and members of the wrong type, become an
 * {@link IllegalArgumentException} whose message fits IoT Hub's 400 answer (never the text itself).
 * Parsing is jackson-core's: RFC 8259 plus comments, nesting capped at 1000, a repeated name keeps the
 * last value; numbers come back as {@code Integer}, {@code Long}, {@code BigInteger} or {@code Double}.
 * An owner of JSON documents (twins) keeps them as {@code JsonObject}, hands out {@code copy()}s, and
 * tells a member set to {@code null} ({@code containsKey} and {@code getValue == null}: a patch's
 * "remove") from one that is absent.
 */
public final class JsonBody {

    private JsonBody() {
    }

    /** Any JSON value: a JsonObject, JsonArray, String, Number, Boolean, or null for {@code null}. */
    public static Object value(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the body is empty, expected JSON");
        }
        try {
            return Json.decodeValue(text);
        } catch (DecodeException e) {
            throw new IllegalArgumentException(describe(e), e);
        }
    }

    /** A payload as it comes off MQTT or AMQP: UTF-8 (or UTF-16/32 with a BOM) JSON bytes, read as {@link #value(String)}. */
    public static Object value(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new IllegalArgumentException("the body is empty, expected JSON");
        }
        try {
            return Json.decodeValue(Buffer.buffer(payload));
        } catch (DecodeException e) {
            throw new IllegalArgumentException(describe(e), e);
        }
    }

    /** Text that must be a JSON object. */
    public static JsonObject object(String text) {
        return requireObject(value(text));
    }

    /** A payload that must be a JSON object. */
    public static JsonObject object(byte[] payload) {
        return requireObject(value(payload));
    }

    private static JsonObject requireObject(Object value) {
        if (value instanceof JsonObject json) {
            return json;
        }
        throw new IllegalArgumentException("expected a JSON object");
    }

    /** A member that must be a string when present: null when absent or {@code null}. */
    public static String string(JsonObject json, String name) {
        return member(json, name, String.class, "a string");
    }

    /** A member that must be an object when present: null when absent or {@code null}. */
    public static JsonObject object(JsonObject json, String name) {
        return member(json, name, JsonObject.class, "an object");
    }

    /** A member that must be an array when present: null when absent or {@code null}. */
    public static JsonArray array(JsonObject json, String name) {
        return member(json, name, JsonArray.class, "an array");
    }

    private static <T> T member(JsonObject json, String name, Class<T> type, String what) {
        Object v = json.getValue(name); // wraps nested maps and lists as JsonObject / JsonArray
        if (v == null) {
            return null;
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("'" + name + "' must be " + what);
        }
        return type.cast(v);
    }

    /** Jackson's reason and position, without its "[Source: REDACTED ...]" noise. */
    private static String describe(DecodeException e) {
        if (e.getCause() instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            String reason = j.getOriginalMessage().replaceAll("\\[Source: [^;\\]]*; ", "[");
            return reason + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
        }
        String message = String.valueOf(e.getMessage());
        int eol = message.indexOf('\n');
        return eol < 0 ? message : message.substring(0, eol);
    }
}
