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
}
