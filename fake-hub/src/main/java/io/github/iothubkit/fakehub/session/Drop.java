package io.github.iothubkit.fakehub.session;

/** How a session is ended by the hub; each transport maps it to its own way of closing. */
public enum Drop {
    /** A clean close, as the hub's own shutdown of a connection (MQTT: the TCP connection is closed). */
    CLEAN,
    /** An abrupt cut, as a network failure (TCP reset where the transport has TCP). */
    ABRUPT
}
