package io.github.iothubkit.fakehub.c2d;

/**
 * A device's live connection as a transport adapter presents it to {@link CloudToDevice}. Adapter SPI:
 * tests never implement it.
 */
public interface DeviceLink {

    /**
     * Pushes a message to the device. Called while the device's queue is locked, so that deliveries
     * reach the transport in queue order: it must hand the message over and return, never block.
     */
    void deliver(Delivery delivery);
}
