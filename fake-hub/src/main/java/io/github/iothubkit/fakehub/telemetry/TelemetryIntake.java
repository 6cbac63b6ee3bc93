package io.github.iothubkit.fakehub.telemetry;

import io.github.iothubkit.fakehub.fault.FaultRules;
import io.github.iothubkit.fakehub.session.DeviceLink;
import java.util.Optional;

/**
 * Where every transport hands the device-to-cloud messages it received: IoT Hub's rules for them (the
 * 256 KB limit) are applied here, once, and an accepted message is recorded and shown to the fault rules
 * (the SDKs' fault-request messages). Hub SPI.
 */
public final class TelemetryIntake {

    /** IoT Hub's limit for a device-to-cloud message, body and properties together. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024;

    private final Telemetry telemetry;
    private final FaultRules faults;

    public TelemetryIntake(Telemetry telemetry, FaultRules faults) {
        this.telemetry = telemetry;
        this.faults = faults;
    }

    /**
     * Takes a message the device sent on {@code link}.
     *
     * @param propertyBytes the size of its properties as the transport encoded them
     * @return empty if accepted (the transport acknowledges it), else why the hub refuses it; the real hub
     *         then closes the device's connection
     */
    public Optional<String> accept(DeviceLink link, TelemetryMessage message, int propertyBytes) {
        int size = message.bodySize() + propertyBytes;
        if (size > MAX_MESSAGE_BYTES) {
            return Optional.of("telemetry of " + size + " bytes is over IoT Hub's 256 KB limit");
        }
        telemetry.record(message);
        faults.onTelemetry(link, message.properties());
        return Optional.empty();
    }
}
