package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;

/** Placeholder until the AMQP endpoint lands: binds nothing. */
public final class AmqpAdapter implements Adapter {

    @Override
    public int start(HubContext hub, int port) {
        return port;
    }

    @Override
    public void close() {
    }
}
