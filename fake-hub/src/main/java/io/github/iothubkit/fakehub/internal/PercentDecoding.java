package io.github.iothubkit.fakehub.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * RFC 3986 percent-decoding as UTF-8, shared by the adapters. Unlike {@code URLDecoder}, {@code +} stays
 * {@code +}: it is legal in device ids, and the SDKs write a space as {@code %20}.
 */
public final class PercentDecoding {

    private PercentDecoding() {
    }

    /**
     * Decodes every {@code %XX} escape as UTF-8 bytes.
     *
     * @return the decoded text ({@code s} itself when it has no {@code %}), or null for a malformed
     *         escape or invalid UTF-8
     */
    public static String decodeOrNull(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
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
                bytes.write(hi << 4 | lo);
                i += 2;
            } else { // the whole run up to the next escape: a surrogate pair must be encoded together
                int end = s.indexOf('%', i);
                end = end < 0 ? s.length() : end;
                byte[] run = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                bytes.write(run, 0, run.length);
                i = end - 1;
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

    /**
     * The device id an address segment means. The Java SDKs put an id into addresses as it is, other
     * clients percent-encode it, and {@code %} is itself legal in an id: so the segment is taken as sent
     * when that names a device or does not decode to something else, and percent-decoded otherwise.
     *
     * @param exists whether a device id is registered
     */
    public static String resolveId(String raw, Predicate<String> exists) {
        String decoded = decodeOrNull(raw);
        if (decoded == null || decoded.equals(raw) || exists.test(raw)) {
            return raw;
        }
        return decoded;
    }
}
