package io.github.iothubkit.fakehub.c2d;

import java.time.Duration;

/**
 * What the hub's fault controls decide about C2D, asked by {@link CloudToDevice}: whether a send fails and
 * how long a delivery is held. Hub SPI.
 */
public interface C2dPolicy {

    C2dPolicy NONE = new C2dPolicy() {
    };

    /** Runs first in every send; refuses it by throwing a {@link C2dSendException}. */
    default void checkSend(String deviceId, C2dMessage message) {
    }

    /** How long each C2D message to the device is held before it goes on the wire. */
    default Duration deliveryDelay(String deviceId) {
        return Duration.ZERO;
    }
}
