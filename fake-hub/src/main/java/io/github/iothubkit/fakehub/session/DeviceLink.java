package io.github.iothubkit.fakehub.session;

import io.github.iothubkit.fakehub.c2d.Delivery;
import java.util.concurrent.CompletionStage;

/**
 * One live device session as a transport presents it to the hub: the features push through it and the
 * hub ends it through it. A transport reports each one to {@link DeviceSessions}. Hub SPI: tests only
 * implement it to stand in for a transport.
 */
public interface DeviceLink {

    String deviceId();

    /** The transport's name for logs and failure messages, e.g. {@code MQTT}. */
    String transport();

    /** Whether the transport still carries this session. Any thread. */
    boolean isOpen();

    /**
     * Pushes a C2D message to the device, after {@link Delivery#delay()}. Called while the device's queue
     * is locked, so that deliveries reach the transport in queue order: it must hand the message over and
     * return, never block.
     */
    void deliver(Delivery delivery);

    /**
     * Ends the session. Never inline: the transport finishes what it is doing first (an ack being written
     * goes out before the close). The stage completes once the transport has reported the close to
     * {@link DeviceSessions} (or at once if it was closed already).
     */
    CompletionStage<Void> close(Drop how, String why);

    // Twins and methods: defaults refuse, so a transport that does not carry a feature yet still compiles; it
    // must then never report the feature as subscribed, since the owners push only to subscribed sessions.

    /**
     * Answers the device's twin request {@code requestId} (only while subscribed to {@link Feature#TWIN_RESPONSES}).
     *
     * @param version the twin's new reported version after a PATCH, else null
     * @param body    the twin document, an error body, or empty
     */
    default void twinResponse(int status, String requestId, Integer version, byte[] body) {
        throw new UnsupportedOperationException(transport() + " carries no twin responses");
    }

    /** Pushes a desired-properties patch ({@code $version} included); called in version order, must not block. */
    default void desiredPatch(int version, String patchJson) {
        throw new UnsupportedOperationException(transport() + " carries no desired-property patches");
    }

    /** Pushes a method request; the device's answer goes to the method owner under {@code requestId}. Must not block. */
    default void methodRequest(String requestId, String methodName, String payloadJson) {
        throw new UnsupportedOperationException(transport() + " carries no direct methods");
    }
}
