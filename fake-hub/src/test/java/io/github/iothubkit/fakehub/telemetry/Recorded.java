package io.github.iothubkit.fakehub.telemetry;

/** For tests that need telemetry in the journal without a device sending it. */
public final class Recorded {

    private Recorded() {
    }

    public static void record(Telemetry telemetry, TelemetryMessage message) {
        telemetry.record(message);
    }
}
