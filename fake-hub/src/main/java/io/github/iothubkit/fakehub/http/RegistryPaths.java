package io.github.iothubkit.fakehub.http;

import io.github.iothubkit.fakehub.internal.PercentDecoding;
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
        if (bodyId == null) {
            return PercentDecoding.resolveId(rawId, exists);
        }
        if (bodyId.equals(rawId)) {
            return rawId;
        }
        String decoded = PercentDecoding.decodeOrNull(rawId);
        return bodyId.equals(decoded) ? decoded : null;
    }
}
