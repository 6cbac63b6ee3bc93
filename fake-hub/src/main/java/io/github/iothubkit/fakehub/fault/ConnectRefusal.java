package io.github.iothubkit.fakehub.fault;

/** The MQTT 3.1.1 CONNACK return codes a refused connect can carry. */
public enum ConnectRefusal {
    UNACCEPTABLE_PROTOCOL_VERSION(1),
    IDENTIFIER_REJECTED(2),
    /** What IoT Hub answers while it is throttling or unavailable; the device SDKs retry it. */
    SERVER_UNAVAILABLE(3),
    BAD_USER_NAME_OR_PASSWORD(4),
    NOT_AUTHORIZED(5);

    private final int code;

    ConnectRefusal(int code) {
        this.code = code;
    }

    /** The byte on the wire. */
    public int code() {
        return code;
    }
}
