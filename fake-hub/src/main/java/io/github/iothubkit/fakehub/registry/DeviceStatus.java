package io.github.iothubkit.fakehub.registry;

/** Whether a device may connect and receive messages. */
public enum DeviceStatus {
    ENABLED,
    DISABLED
}
