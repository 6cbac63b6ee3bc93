package io.github.iothubkit.fakehub.http;

import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;

/** Placeholder until the registry REST subset lands: binds nothing. */
public final class RegistryHttpAdapter implements Adapter {

    @Override
    public int start(HubContext hub, int port) {
        return port;
    }

    @Override
    public void close() {
    }
}
