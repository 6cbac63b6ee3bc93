package io.github.iothubkit.fakehub.internal;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** IoT Hub's timestamp form, as the adapters write it on every protocol. */
public final class HubTimestamps {

    /** Seven fractional digits, UTC, e.g. {@code 2030-01-02T03:04:05.0000000Z}. */
    public static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private HubTimestamps() {
    }
}
