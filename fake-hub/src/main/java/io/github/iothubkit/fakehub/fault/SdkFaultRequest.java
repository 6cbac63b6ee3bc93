package io.github.iothubkit.fakehub.fault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * IoT Hub's own fault-injection convention, which the Azure SDKs' end-to-end tests use: a device-to-cloud
 * message carrying {@code AzIoTHub_FaultOperationType} (e.g. {@code KillTcp}),
 * {@code AzIoTHub_FaultOperationCloseReason} (e.g. {@code boom}) and
 * {@code AzIoTHub_FaultOperationDelayInSecs} makes the hub break that device's connection after the delay.
 *
 * <p>The fake honours {@code KillTcp} (the TCP connection is reset) on MQTT and AMQP, {@code ShutDownMqtt}
 * (the connection is closed cleanly) on MQTT, and {@code KillAmqp*} and {@code ShutDownAmqp} on AMQP (the
 * whole connection is closed with an AMQP error, also for the link and session kinds); all after the delay,
 * measured in wall time. {@code InvokeThrottling},
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

    /** {@code KillAmqpConnection}, {@code KillAmqpSession}, {@code KillAmqp...Link}, {@code ShutDownAmqp}. */
    public boolean breaksAmqp() {
        return operation.regionMatches(true, 0, "KillAmqp", 0, 8) || operation.equalsIgnoreCase("ShutDownAmqp");
    }

    /** {@code ShutDownMqtt}: a clean close of the MQTT connection. */
    public boolean shutsDownMqtt() {
        return operation.equalsIgnoreCase("ShutDownMqtt");
    }
}
