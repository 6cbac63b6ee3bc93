package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/** Assertions on one received telemetry message. */
public final class TelemetryMessageAssert extends AbstractAssert<TelemetryMessageAssert, TelemetryMessage> {

    TelemetryMessageAssert(TelemetryMessage message) {
        super(message, TelemetryMessageAssert.class);
    }

    public TelemetryMessageAssert isFrom(String deviceId) {
        return field("device", deviceId, actual == null ? null : actual.deviceId());
    }

    public TelemetryMessageAssert hasBody(String body) {
        return field("body", body, actual == null ? null : actual.bodyAsString());
    }

    public TelemetryMessageAssert hasMessageId(String messageId) {
        return field("messageId", messageId, actual == null ? null : actual.messageId());
    }

    public TelemetryMessageAssert hasContentType(String contentType) {
        return field("contentType", contentType, actual == null ? null : actual.contentType());
    }

    public TelemetryMessageAssert hasContentEncoding(String contentEncoding) {
        return field("contentEncoding", contentEncoding, actual == null ? null : actual.contentEncoding());
    }

    /** An application property. */
    public TelemetryMessageAssert hasProperty(String name, String value) {
        return field("property " + name, value, actual == null ? null : actual.properties().get(name));
    }

    /** A system property as sent, e.g. {@code $.cdid}. */
    public TelemetryMessageAssert hasSystemProperty(String name, String value) {
        return field("system property " + name, value, actual == null ? null : actual.systemProperties().get(name));
    }

    /** Matches the pattern; a failure lists each field that differs. */
    public TelemetryMessageAssert matches(MessagePattern pattern) {
        isNotNull();
        if (!pattern.test(actual)) {
            failWithMessage("Expected the telemetry message to match%n%s", NearMiss.render(pattern.expected(),
                    java.util.List.of(new NearMiss.Candidate("telemetry message from '" + actual.deviceId() + "'",
                            MessagePattern.fieldsOf(actual)))));
        }
        return this;
    }

    private TelemetryMessageAssert field(String name, String expected, String value) {
        isNotNull();
        if (!Objects.equals(expected, value)) {
            failWithMessage("Expected telemetry from '%s' to have %s but it has %s", actual.deviceId(),
                    NearMiss.line(name, expected), NearMiss.line(name, value));
        }
        return this;
    }
}
