package io.github.iothubkit.fakehub.auth;

/** The rights a shared access policy grants, as IoT Hub names them. */
public enum Permission {
    REGISTRY_READ,
    REGISTRY_WRITE,
    SERVICE_CONNECT,
    DEVICE_CONNECT
}
