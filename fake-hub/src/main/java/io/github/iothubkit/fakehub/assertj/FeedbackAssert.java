package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.c2d.FeedbackRecord;
import io.github.iothubkit.fakehub.c2d.FeedbackStatus;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.assertj.core.annotation.CheckReturnValue;

/** Assertions on the delivery feedback for one C2D message. */
public final class FeedbackAssert {

    private final FakeIotHub hub;
    private final String messageId;

    FeedbackAssert(FakeIotHub hub, String messageId) {
        this.hub = hub;
        this.messageId = messageId;
    }

    /** The hub produced a feedback record with this status for the message. */
    @CheckReturnValue
    public Awaiting<FeedbackRecord> hasStatus(FeedbackStatus status) {
        return new Awaiting<>(timeout -> {
            try {
                return hub.feedback().await(messageId, status, timeout);
            } catch (AssertionError e) {
                Awaiting.rethrowIfInterrupted(e);
                throw new AssertionError("Expected feedback " + status.wireName() + " for C2D message '" + messageId
                        + "' within " + Awaiting.millis(timeout) + ", but " + whatHappened(status));
            }
        });
    }

    private String whatHappened(FeedbackStatus status) {
        List<FeedbackRecord> mine = hub.feedback().records().stream()
                .filter(r -> r.originalMessageId().equals(messageId)).toList();
        String feedback = mine.isEmpty() ? "there is no feedback for it"
                : "its feedback is " + mine.stream().map(r -> r.status().wireName()).collect(Collectors.joining(", "));
        Optional<C2dRecord> sent = hub.cloudToDevice().find(messageId);
        if (sent.isEmpty()) {
            return feedback + hub.feedback().droppedNote(messageId) + (hub.cloudToDevice().droppedNote().isEmpty()
                    ? ", and no C2D message with that id was sent."
                    : ". As for the C2D message, " + hub.cloudToDevice().explainMissing(messageId) + ".");
        }
        C2dRecord r = sent.get();
        String ack = r.message().ack().wireName();
        boolean asked = status == FeedbackStatus.SUCCESS ? r.message().ack().wantsPositive()
                : r.message().ack().wantsNegative();
        return feedback + hub.feedback().droppedNote(messageId) + ". The message is " + r.outcome() + " on device '" + r.deviceId() + "' ("
                + C2dAssert.connection(hub, r.deviceId()) + "), sent with ack mode '" + ack + "'"
                + (asked ? "." : ", which asks for no " + status.wireName() + " feedback.");
    }
}
