package io.github.iothubkit.fakehub.mqtt;

/**
 * Which MQTT topics a device may use, as IoT Hub documents them: its own C2D and telemetry topics,
 * and the twin and method topics.
 */
final class TopicPolicy {

    private final String devicebound;
    private final String events;

    TopicPolicy(String deviceId) {
        this.devicebound = "devices/" + deviceId + "/messages/devicebound/";
        this.events = "devices/" + deviceId + "/messages/events";
    }

    /** Whether a subscription filter stays within what this device may read. */
    boolean maySubscribe(String filter) {
        // Wildcards after the device's own prefix cannot reach beyond it.
        return filter.startsWith(devicebound) || filter.equals("$iothub/twin/res/#") || filter.equals("$iothub/twin/PATCH/properties/desired/#")
                || filter.equals("$iothub/methods/POST/#");
    }

    /** Whether the filter is the device's C2D subscription. */
    boolean isDevicebound(String filter) {
        return filter.startsWith(devicebound) || filter.equals(devicebound.substring(0, devicebound.length() - 1));
    }

    /** The property bag of a telemetry topic, or null if the topic is not this device's telemetry. */
    String telemetryBag(String topic) {
        if (topic.equals(events)) {
            return "";
        }
        return topic.startsWith(events + "/") ? topic.substring(events.length() + 1) : null;
    }

    /** Twin and method requests: allowed, acknowledged, and served by {@link TwinMethodRouter}. */
    static boolean isTwinOrMethodRequest(String topic) {
        return topic.startsWith("$iothub/twin/") || topic.startsWith("$iothub/methods/res/");
    }

    /**
     * Netty decodes MQTT strings leniently, turning ill-formed UTF-8 into U+FFFD; MQTT 3.1.1 (1.5.3) says
     * the server must close the connection on ill-formed UTF-8 or U+0000. IoT Hub's topics are
     * percent-encoded ASCII, so a U+FFFD in one can only come from bytes that were not UTF-8.
     */
    static boolean isIllFormed(String topic) {
        return topic.indexOf('\uFFFD') >= 0 || topic.indexOf('\u0000') >= 0;
    }
}
