package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a snapshot of one C2D message ({@code hub.cloudToDevice().find(id)}, {@code records()}). */
public final class C2dRecordAssert extends AbstractAssert<C2dRecordAssert, C2dRecord> {

    C2dRecordAssert(C2dRecord record) {
        super(record, C2dRecordAssert.class);
    }

    /** Its latest outcome is {@code outcome}. */
    public C2dRecordAssert hasOutcome(C2dOutcome outcome) {
        isNotNull();
        if (actual.outcome() != outcome) {
            failWithMessage("Expected C2D message '%s' to be %s but it is %s (outcomes %s)", actual.messageId(), outcome,
                    actual.outcome(), actual.outcomes());
        }
        return this;
    }

    /** It went through exactly these outcomes, in this order. */
    public C2dRecordAssert wentThrough(C2dOutcome... outcomes) {
        isNotNull();
        if (!actual.outcomes().equals(List.of(outcomes))) {
            failWithMessage("Expected C2D message '%s' to go through %s but it went through %s", actual.messageId(),
                    List.of(outcomes), actual.outcomes());
        }
        return this;
    }

    public C2dRecordAssert isFor(String deviceId) {
        return field("device", deviceId, actual == null ? null : actual.deviceId());
    }

    public C2dRecordAssert hasMessageId(String messageId) {
        return field("messageId", messageId, actual == null ? null : actual.messageId());
    }

    public C2dRecordAssert hasBody(String body) {
        return field("body", body, actual == null ? null : actual.message().bodyAsString());
    }

    public C2dRecordAssert hasProperty(String name, String value) {
        return field("property " + name, value, actual == null ? null : actual.message().properties().get(name));
    }

    public C2dRecordAssert hasDeliveryCount(int count) {
        isNotNull();
        if (actual.deliveryCount() != count) {
            failWithMessage("Expected C2D message '%s' to be delivered %s times but it was delivered %s times"
                    + " (outcomes %s)", actual.messageId(), count, actual.deliveryCount(), actual.outcomes());
        }
        return this;
    }

    private C2dRecordAssert field(String name, String expected, String value) {
        isNotNull();
        if (!Objects.equals(expected, value)) {
            failWithMessage("Expected C2D message '%s' to have %s but it has %s", actual.messageId(),
                    NearMiss.line(name, expected), NearMiss.line(name, value));
        }
        return this;
    }
}
