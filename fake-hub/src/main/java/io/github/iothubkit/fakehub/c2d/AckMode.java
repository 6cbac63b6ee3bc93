package io.github.iothubkit.fakehub.c2d;

import java.util.Locale;

/** Which delivery feedback the sender asked for ({@code iothub-ack}). */
public enum AckMode {
    /** No feedback (the hub's default). */
    NONE("none"),
    /** Feedback when the device completes the message. */
    POSITIVE("positive"),
    /** Feedback when the message expires, is purged or dead-lettered. */
    NEGATIVE("negative"),
    /** Both. */
    FULL("full");

    private final String wireName;

    AckMode(String wireName) {
        this.wireName = wireName;
    }

    /** The value IoT Hub puts in the {@code iothub-ack} property. */
    public String wireName() {
        return wireName;
    }

    public boolean wantsPositive() {
        return this == POSITIVE || this == FULL;
    }

    public boolean wantsNegative() {
        return this == NEGATIVE || this == FULL;
    }

    /**
     * Reads an {@code iothub-ack} value in any case, accepting the Java service SDK's spellings
     * {@code positiveonly} and {@code negativeonly} as well as the documented ones.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static AckMode parse(String value) {
        if (value == null) {
            return NONE;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "positive", "positiveonly" -> POSITIVE;
            case "negative", "negativeonly" -> NEGATIVE;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException(
                    "iothub-ack must be none, positive, negative or full, not '" + value + "'");
        };
    }
}
