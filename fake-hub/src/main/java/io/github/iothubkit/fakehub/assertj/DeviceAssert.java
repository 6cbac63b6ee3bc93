package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.annotation.CheckReturnValue;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/** Assertions on what the hub did with one device. */
public final class DeviceAssert {

    private final FakeIotHub hub;
    private final String deviceId;

    DeviceAssert(FakeIotHub hub, String deviceId) {
        this.hub = hub;
        this.deviceId = deviceId;
    }

    /** The C2D messages pushed to the device at least once, in send order, as an AssertJ list. */
    public ListAssert<C2dRecord> receivedC2d() {
        List<C2dRecord> delivered = hub.cloudToDevice().records().stream()
                .filter(r -> r.deviceId().equals(deviceId) && r.deliveryCount() > 0).toList();
        return Assertions.assertThat(delivered).as("C2D messages delivered to device '%s'%s", deviceId,
                hub.cloudToDevice().droppedNote());
    }

    /** A C2D message matching {@code pattern} was pushed to the device. */
    @CheckReturnValue
    public Awaiting<C2dRecord> receivedC2d(MessagePattern pattern) {
        return new Awaiting<>(timeout -> {
            try {
                return hub.cloudToDevice().awaitMatching(r -> r.deviceId().equals(deviceId) && r.deliveryCount() > 0
                        && pattern.matches(r), timeout);
            } catch (AssertionError e) {
                Awaiting.rethrowIfInterrupted(e);
                throw new AssertionError(notReceived(pattern, timeout));
            }
        });
    }

    private String notReceived(MessagePattern pattern, java.time.Duration timeout) {
        List<C2dRecord> sent = hub.cloudToDevice().records().stream().filter(r -> r.deviceId().equals(deviceId)).toList();
        StringBuilder s = new StringBuilder("Expected device '").append(deviceId)
                .append("' to receive a C2D message like this within ").append(Awaiting.millis(timeout)).append(":\n");
        pattern.expected().forEach((k, v) -> s.append("  ").append(NearMiss.line(k, v)).append('\n'));
        s.append("but none of the ").append(sent.size()).append(sent.size() == 1 ? " message" : " messages")
                .append(" sent to it was delivered and matches. The device is ")
                .append(C2dAssert.connection(hub, deviceId)).append(".\n");
        List<NearMiss.Candidate> candidates = new ArrayList<>();
        for (C2dRecord r : sent) {
            String state = r.deliveryCount() == 0 ? r.outcome() + ", never delivered"
                    : r.outcome() + ", delivered " + r.deliveryCount() + (r.deliveryCount() == 1 ? " time" : " times");
            candidates.add(new NearMiss.Candidate("C2D message '" + r.messageId() + "' (" + state + ")",
                    MessagePattern.fieldsOf(r)));
        }
        return s.append(NearMiss.render(pattern.expected(), candidates)).append(hub.cloudToDevice().droppedNote())
                .toString();
    }
}
