package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.assertj.core.annotation.CheckReturnValue;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/** Assertions on the telemetry one device sent. */
public final class TelemetryAssert {

    private final FakeIotHub hub;
    private final String deviceId;

    TelemetryAssert(FakeIotHub hub, String deviceId) {
        this.hub = hub;
        this.deviceId = deviceId;
    }

    /** The messages received from the device so far, oldest first, as an AssertJ list. */
    public ListAssert<TelemetryMessage> messages() {
        return Assertions.assertThat(hub.telemetry().messages(deviceId))
                .as("telemetry from device '%s'%s", deviceId, hub.telemetry().droppedNote(deviceId));
    }

    /** At least {@code count} messages arrived from the device; returns them all. */
    @CheckReturnValue
    public Awaiting<List<TelemetryMessage>> hasReceived(int count) {
        return new Awaiting<>(timeout -> hub.telemetry().await(deviceId, count, timeout));
    }

    /** A message like {@code pattern} arrived; a failure shows the closest messages field by field. */
    @CheckReturnValue
    public Awaiting<TelemetryMessage> hasMessage(MessagePattern pattern) {
        return new Awaiting<>(timeout -> {
            try {
                return hub.telemetry().awaitMatching(deviceId, pattern, timeout);
            } catch (AssertionError e) {
                Awaiting.rethrowIfInterrupted(e);
                List<TelemetryMessage> mine = hub.telemetry().messages(deviceId); // once: one consistent report
                throw new AssertionError(headline(timeout, pattern, mine)
                        + NearMiss.render(pattern.expected(), candidates(mine)) + others());
            }
        });
    }

    /** A message satisfying {@code condition} arrived; a {@link MessagePattern} gets the near-miss report. */
    @CheckReturnValue
    public Awaiting<TelemetryMessage> hasMessageMatching(Predicate<TelemetryMessage> condition) {
        if (condition instanceof MessagePattern pattern) {
            return hasMessage(pattern);
        }
        return new Awaiting<>(timeout -> {
            try {
                return hub.telemetry().awaitMatching(deviceId, condition, timeout);
            } catch (AssertionError e) {
                Awaiting.rethrowIfInterrupted(e);
                List<TelemetryMessage> mine = hub.telemetry().messages(deviceId);
                StringBuilder s = new StringBuilder(headline(timeout, null, mine));
                int from = Math.max(0, mine.size() - NearMiss.SHOWN);
                if (!mine.isEmpty()) {
                    s.append(from == 0 ? "They were:" : "The last " + NearMiss.SHOWN + " were:");
                }
                for (int i = from; i < mine.size(); i++) {
                    s.append("\n\n#").append(i + 1).append(" of ").append(mine.size());
                    MessagePattern.fieldsOf(mine.get(i)).forEach((k, v) -> {
                        if (v != null) {
                            s.append("\n  ").append(NearMiss.line(k, v));
                        }
                    });
                }
                throw new AssertionError(s.append(others()).toString());
            }
        });
    }

    private String headline(Duration timeout, MessagePattern pattern, List<TelemetryMessage> mine) {
        int n = mine.size();
        StringBuilder s = new StringBuilder("Expected telemetry from device '").append(deviceId)
                .append(pattern == null ? "' matching the condition" : "' like this").append(" within ")
                .append(Awaiting.millis(timeout)).append(pattern == null ? "" : ":").append('\n');
        if (pattern != null) {
            pattern.expected().forEach((k, v) -> s.append("  ").append(NearMiss.line(k, v)).append('\n'));
        }
        return s.append("but none of the ").append(n).append(n == 1 ? " message" : " messages")
                .append(" it sent matches. ").toString();
    }

    private static List<NearMiss.Candidate> candidates(List<TelemetryMessage> mine) {
        List<NearMiss.Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++) {
            candidates.add(new NearMiss.Candidate("telemetry message " + (i + 1) + " of " + mine.size(),
                    MessagePattern.fieldsOf(mine.get(i))));
        }
        return candidates;
    }

    private String others() {
        Map<String, Integer> counts = new TreeMap<>();
        hub.telemetry().messages().stream().filter(m -> !m.deviceId().equals(deviceId))
                .forEach(m -> counts.merge(m.deviceId(), 1, Integer::sum));
        StringBuilder s = new StringBuilder();
        counts.forEach((id, n) -> s.append(s.length() == 0 ? "" : ", ").append(id).append(" (").append(n).append(')'));
        String dropped = hub.telemetry().droppedNote(deviceId);
        return (counts.isEmpty() ? "\n\nNo other device sent telemetry." : "\n\nReceived from other devices: " + s + ".")
                + (dropped.isEmpty() ? "" : "\n" + dropped.strip());
    }
}
