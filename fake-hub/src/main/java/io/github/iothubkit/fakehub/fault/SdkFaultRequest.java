package io.github.iothubkit.fakehub.fault;

import io.github.iothubkit.fakehub.session.Drop;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * IoT Hub's own fault-injection convention, which the Azure SDKs' end-to-end tests use: a device-to-cloud
 * message carrying {@code AzIoTHub_FaultOperationType} (e.g. {@code KillTcp}),
 * {@code AzIoTHub_FaultOperationCloseReason} (e.g. {@code boom}) and
 * {@code AzIoTHub_FaultOperationDelayInSecs} makes the hub break that device's connection after the delay.
 *
 * <p>The fake honours {@code KillTcp} (the TCP connection is reset) on any transport and
 * {@code ShutDownMqtt} (the connection is closed cleanly) on MQTT; both after the delay, measured in wall
 * time ({@link FaultRules#onTelemetry} does it for every transport), and on AMQP {@code KillAmqp*} and
 * {@code ShutDownAmqp} (the whole connection is closed with an AMQP error). {@code InvokeThrottling},
 * {@code InvokeMaxMessageQuota}, {@code InvokeAuthError} are ignored: the message is recorded as ordinary
 * telemetry, as every fault message is.
 *
 * @param operation   the {@code AzIoTHub_FaultOperationType} value
 * @param closeReason the {@code AzIoTHub_FaultOperationCloseReason} value, or ""
 * @param delay       the {@code AzIoTHub_FaultOperationDelayInSecs} value (0 if absent or not a number)
 */
public record SdkFaultRequest(String operation, String closeReason, Duration delay) {

    public static final String TYPE = "AzIoTHub_FaultOperationType";
    public static final String CLOSE_REASON = "AzIoTHub_FaultOperationCloseReason";
    public static final String DELAY_IN_SECS = "AzIoTHub_FaultOperationDelayInSecs";

    /** Reads the request from a message's application properties, if it carries one. */
    public static Optional<SdkFaultRequest> from(Map<String, String> properties) {
        String type = properties.get(TYPE);
        if (type == null || type.isBlank()) {
            return Optional.empty();
        }
        long seconds;
        try {
            seconds = Math.max(0, Long.parseLong(properties.getOrDefault(DELAY_IN_SECS, "0").strip()));
        } catch (NumberFormatException e) {
            seconds = 0;
        }
        return Optional.of(new SdkFaultRequest(type.strip(), properties.getOrDefault(CLOSE_REASON, ""),
                Duration.ofSeconds(seconds)));
    }

    /** {@code KillTcp}: an abrupt TCP reset. */
    public boolean killsTcp() {
        return operation.equalsIgnoreCase("KillTcp");
    }

    /** {@code ShutDownMqtt}: a clean close of the MQTT connection. */
    public boolean shutsDownMqtt() {
        return operation.equalsIgnoreCase("ShutDownMqtt");
    }

    /** How a session on {@code transport} (e.g. {@code MQTT}) is ended, or empty if the fake ignores it there. */
    public Optional<Drop> dropFor(String transport) {
        if (killsTcp()) {
            return Optional.of(Drop.ABRUPT);
        }
        boolean mqtt = transport.toUpperCase(Locale.ROOT).startsWith("MQTT");
        boolean amqp = transport.toUpperCase(Locale.ROOT).startsWith("AMQP");
        // the link and session kinds end the whole AMQP connection too: the fake has no finer cut
        boolean breaksAmqp = operation.regionMatches(true, 0, "KillAmqp", 0, 8)
                || operation.equalsIgnoreCase("ShutDownAmqp");
        return (shutsDownMqtt() && mqtt) || (breaksAmqp && amqp) ? Optional.of(Drop.CLEAN) : Optional.empty();
    }
}
