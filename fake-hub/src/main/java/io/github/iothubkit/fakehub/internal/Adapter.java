package io.github.iothubkit.fakehub.internal;

/** A protocol listener of the hub, started after the hub's state exists and closed before it goes. */
public interface Adapter extends AutoCloseable {

    /**
     * Binds and starts serving.
     *
     * @return the bound port (useful when 0 was asked for)
     * @throws java.net.BindException if the address is taken
     */
    int start(HubContext hub, int port) throws Exception;

    /** Stops quickly (well under 100 ms when idle), closing every connection. Never throws. */
    @Override
    void close();
}
