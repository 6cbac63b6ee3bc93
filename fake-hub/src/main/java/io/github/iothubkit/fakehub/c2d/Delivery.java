package io.github.iothubkit.fakehub.c2d;

/**
 * One push of a queued message to a device.
 *
 * @param sequence   identifies the message for {@link CloudToDevice#complete}
 * @param redelivery true if it was pushed before and not acknowledged (MQTT DUP flag)
 */
public record Delivery(long sequence, C2dMessage message, boolean redelivery) {
}
