package io.github.iothubkit.fakehub.session;

/** What a device session can subscribe to; each feature pushes to the device only while subscribed. */
public enum Feature {
    /** Cloud-to-device messages. */
    C2D,
    /** Answers to the device's own twin requests (MQTT: {@code $iothub/twin/res/#}). */
    TWIN_RESPONSES,
    /** Twin desired-property patches. */
    TWIN_DESIRED,
    /** Direct method invocations. */
    METHODS
}
