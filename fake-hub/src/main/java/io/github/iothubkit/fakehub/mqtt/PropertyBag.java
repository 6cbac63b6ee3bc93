package io.github.iothubkit.fakehub.mqtt;

import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.internal.HubTimestamps;
import io.github.iothubkit.fakehub.internal.PercentDecoding;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IoT Hub's MQTT property bag, {@code k=v&k=v} at the end of a topic, in both directions.
 *
 * <p>Outgoing (C2D) bags are strict: system properties first and {@code %24}-encoded (the Java device SDK
 * only starts parsing at the first {@code %24}), every other byte outside RFC 3986's unreserved set
 * percent-encoded. Incoming (D2C) bags are read liberally: {@code $.} or {@code %24.} system keys,
 * any order, valueless keys, and malformed escapes kept as written rather than rejected.
 */
final class PropertyBag {

    /** A decoded bag: {@code $.}-keys in one map, application properties in the other. */
    record Decoded(Map<String, String> system, Map<String, String> application) {
    }

    private PropertyBag() {
    }

    /** The C2D topic for a message: {@code devices/{id}/messages/devicebound/%24.mid=..&..}. */
    static String c2dTopic(String deviceId, C2dMessage m) {
        StringBuilder t = new StringBuilder(128).append("devices/").append(deviceId).append("/messages/devicebound/");
        t.append("%24.mid=").append(encode(m.messageId()));
        t.append("&%24.to=").append(encode("/devices/" + deviceId + "/messages/deviceBound"));
        append(t, "%24.cid", m.correlationId());
        append(t, "%24.ct", m.contentType());
        append(t, "%24.ce", m.contentEncoding());
        append(t, "%24.uid", m.userId());
        if (m.expiryTime() != null) {
            append(t, "%24.exp", HubTimestamps.FORMAT.format(m.expiryTime()));
        }
        t.append("&iothub-ack=").append(m.ack().wireName());
        m.properties().forEach((k, v) -> t.append('&').append(encode(k)).append('=').append(encode(v)));
        return t.toString();
    }

    private static void append(StringBuilder t, String key, String value) {
        if (value != null) {
            t.append('&').append(key).append('=').append(encode(value));
        }
    }

    /** Reads the bag of a D2C topic (the part after {@code messages/events/}). */
    static Decoded decode(String bag) {
        Map<String, String> system = new LinkedHashMap<>();
        Map<String, String> application = new LinkedHashMap<>();
        String text = bag.startsWith("?") || bag.startsWith("/") ? bag.substring(1) : bag;
        if (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decodeComponent(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodeComponent(pair.substring(eq + 1));
            (key.startsWith("$.") ? system : application).put(key, value);
        }
        return new Decoded(system, application);
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters, as UTF-8. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Percent-decodes one key or value. {@code +} stays a plus (RFC 3986; the Java SDK writes a space
     * as {@code %20}). A malformed escape or invalid UTF-8 leaves the component as it was sent.
     */
    static String decodeComponent(String s) {
        String decoded = PercentDecoding.decodeOrNull(s);
        return decoded == null ? s : decoded;
    }
}
