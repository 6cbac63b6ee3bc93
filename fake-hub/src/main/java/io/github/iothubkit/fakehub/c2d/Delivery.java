package io.github.iothubkit.fakehub.c2d;

import java.time.Duration;

/**
 * One push of a queued message to a device.
 *
 * @param sequence   identifies the message when the device acknowledges it
 * @param redelivery true if it was pushed before and not acknowledged (MQTT DUP flag)
 * @param delay      how long the transport holds it before it goes on the wire (a fault; zero normally).
 *                   Every delivery of a device gets the same delay, so holding them keeps their order.
 */
public record Delivery(long sequence, C2dMessage message, boolean redelivery, Duration delay) {

    public Delivery(long sequence, C2dMessage message, boolean redelivery) {
        this(sequence, message, redelivery, Duration.ZERO);
    }
}
