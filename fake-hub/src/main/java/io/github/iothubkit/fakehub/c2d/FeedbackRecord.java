package io.github.iothubkit.fakehub.c2d;

import java.time.Instant;

/** One delivery-feedback record, as the hub sends it on {@code /messages/servicebound/feedback}. */
public record FeedbackRecord(String originalMessageId, String deviceId, String deviceGenerationId,
        FeedbackStatus status, String description, Instant enqueuedTime) {
}
