package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;

/**
 * AssertJ entry points for the fake hub. Import statically beside AssertJ's own {@code assertThat}:
 *
 * <pre>{@code
 * assertThat(hub).c2d("m1").hasOutcome(COMPLETED).within(Duration.ofSeconds(5));
 * assertThat(hub).telemetry("dev1").hasMessage(message().property("alert", "high")).within(Duration.ofSeconds(5));
 * assertThat(hub).feedback("m1").hasStatus(SUCCESS).within(Duration.ofSeconds(5));
 * assertThat(hub).device("dev1").receivedC2d().hasSize(2);
 * }</pre>
 */
public final class FakeIotHubAssertions {

    private FakeIotHubAssertions() {
    }

    public static HubAssert assertThat(FakeIotHub hub) {
        return new HubAssert(hub);
    }

    public static C2dRecordAssert assertThat(C2dRecord record) {
        return new C2dRecordAssert(record);
    }

    public static TelemetryMessageAssert assertThat(TelemetryMessage message) {
        return new TelemetryMessageAssert(message);
    }
}
