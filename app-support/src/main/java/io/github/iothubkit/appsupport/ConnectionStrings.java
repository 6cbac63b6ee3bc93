package io.github.iothubkit.appsupport;

import java.util.Locale;

/** Reads {@code Key=value} attributes of IoT Hub connection strings the way the SDKs do. */
public final class ConnectionStrings {

    private ConnectionStrings() {
    }

    /** The first value of {@code key=}, with the key's case as given (the service SDK's rule); null if absent. */
    public static String attribute(String connectionString, String key) {
        return find(connectionString, key, false);
    }

    /** The first value of {@code key=}, the key in any case (the device SDK's rule); null if absent. */
    public static String attributeIgnoringCase(String connectionString, String key) {
        return find(connectionString, key, true);
    }

    private static String find(String connectionString, String key, boolean ignoreCase) {
        String prefix = key + "=";
        for (String part : connectionString.split(";")) {
            String trimmed = part.trim();
            if (trimmed.regionMatches(ignoreCase, 0, prefix, 0, prefix.length())) {
                return trimmed.substring(prefix.length());
            }
        }
        return null;
    }
}
