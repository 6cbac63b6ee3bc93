package io.github.iothubkit.fakehub.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Path handling for the registry REST. The Java SDK puts the device id into the URL as it is, while
 * other clients percent-encode it, and {@code %} is itself legal in a device id: so an id is taken
 * raw when that names a device (or matches the body), else percent-decoded.
 */
final class RegistryPaths {

    private RegistryPaths() {
    }

    /** The raw (still encoded) non-empty segments of a path: {@code /devices/d1/} gives [devices, d1]. */
    static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        if (rawPath == null) {
            return segments;
        }
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        return segments;
    }

    /**
     * Picks the device id a raw path segment means.
     *
     * @param bodyId  the id in a PUT body, or null; when given, the result must equal it
     * @param exists  whether a device id is registered
     * @return the id, or null when a body id matches neither reading of the path
     */
    static String chooseId(String rawId, String bodyId, Predicate<String> exists) {
        String decoded = percentDecode(rawId);
        if (bodyId != null) {
            if (bodyId.equals(rawId)) {
                return rawId;
            }
            return bodyId.equals(decoded) ? decoded : null;
        }
        if (decoded == null || decoded.equals(rawId) || exists.test(rawId)) {
            return rawId;
        }
        return decoded;
    }

    /** The id to name in a "not found" message. */
    static String displayId(String rawId) {
        String decoded = percentDecode(rawId);
        return decoded == null ? rawId : decoded;
    }

    /**
     * RFC 3986 percent-decoding as UTF-8; unlike {@code URLDecoder}, {@code +} stays {@code +}
     * (it is legal in device ids). Returns null for a malformed escape or invalid UTF-8.
     */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null; // truncated escape
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
