package io.github.iothubkit.fakehub.c2d;

/** The {@code statusCode} of a feedback record, spelled as IoT Hub spells it. */
public enum FeedbackStatus {
    SUCCESS("Success"),
    EXPIRED("Expired"),
    DELIVERY_COUNT_EXCEEDED("DeliveryCountExceeded"),
    REJECTED("Rejected"),
    PURGED("Purged");

    private final String wireName;

    FeedbackStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
