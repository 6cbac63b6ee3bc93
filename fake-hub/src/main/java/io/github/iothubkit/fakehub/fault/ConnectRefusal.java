package io.github.iothubkit.fakehub.fault;

/**
 * Why the hub refuses a device's connection, in transport-neutral terms; each transport answers with its
 * own code (MQTT: the CONNACK return code of the same name; AMQP: a CBS status or link error).
 */
public enum ConnectRefusal {
    UNACCEPTABLE_PROTOCOL_VERSION,
    IDENTIFIER_REJECTED,
    /** What IoT Hub answers while it is throttling or unavailable; the device SDKs retry it. */
    SERVER_UNAVAILABLE,
    BAD_USER_NAME_OR_PASSWORD,
    NOT_AUTHORIZED
}
