package io.github.iothubkit.fakehub.twin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * IoT Hub's documented twin limits (device-twins guide): tags 8 KB, desired and reported 32 KB each, objects
 * nested at most 10 levels below the section root, keys up to 1 KB without {@code .}, {@code $}, space or
 * control characters, strings up to 4 KB, integers within +-4503599627370495.
 */
final class TwinLimits {

    static final int TAGS_BYTES = 8 * 1024;
    static final int PROPERTIES_BYTES = 32 * 1024;
    static final int MAX_DEPTH = 10;
    static final int KEY_BYTES = 1024;
    static final int STRING_BYTES = 4 * 1024;
    static final long MAX_INTEGER = 4503599627370495L;

    private TwinLimits() {
    }

    /** Checks keys, depth and values of a patch or a replacement ({@code what} names it in the error). */
    static void checkContent(JsonObject section, String what) {
        checkObject(section, what, 0);
    }

    /** Checks the size of a section after a change would apply. */
    static void checkSize(JsonObject section, String what, int maxBytes) {
        int size = section.encode().getBytes(StandardCharsets.UTF_8).length;
        if (size > maxBytes) {
            throw TwinException.invalid("The " + what + " would be " + size + " bytes, over IoT Hub's limit of "
                    + maxBytes + " bytes");
        }
    }

    private static void checkObject(JsonObject object, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw TwinException.invalid("'" + path + "' is nested deeper than IoT Hub's limit of " + MAX_DEPTH
                    + " levels");
        }
        for (String key : object.fieldNames()) {
            checkKey(key, path);
            checkValue(object.getValue(key), path + "." + key, depth);
        }
    }

    private static void checkValue(Object value, String path, int depth) {
        if (value instanceof JsonObject child) {
            checkObject(child, path, depth + 1);
        } else if (value instanceof JsonArray array) {
            for (Object element : array) {
                checkValue(element, path + "[]", depth + 1);
            }
        } else if (value instanceof String s && s.getBytes(StandardCharsets.UTF_8).length > STRING_BYTES) {
            throw TwinException.invalid("The string value of '" + path + "' is over IoT Hub's limit of "
                    + STRING_BYTES + " bytes");
        } else if (isIntegral(value) && new BigDecimal(value.toString()).abs().compareTo(BigDecimal.valueOf(MAX_INTEGER)) > 0) {
            throw TwinException.invalid("The integer value of '" + path + "' is outside IoT Hub's range of +-"
                    + MAX_INTEGER);
        }
    }

    private static boolean isIntegral(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
    }

    private static void checkKey(String key, String path) {
        if (key.isEmpty()) {
            throw TwinException.invalid("An empty property name in '" + path + "'");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > KEY_BYTES) {
            throw TwinException.invalid("A property name in '" + path + "' is over IoT Hub's limit of " + KEY_BYTES
                    + " bytes");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '$' || c == ' ' || c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                throw TwinException.invalid("The property name '" + key + "' in '" + path
                        + "' contains a character IoT Hub does not allow in keys ('.', '$', space or a control"
                        + " character)");
            }
        }
    }
}
