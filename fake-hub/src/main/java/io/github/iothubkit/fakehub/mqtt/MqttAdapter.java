package io.github.iothubkit.fakehub.mqtt;

import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;

/** Placeholder: replaced by the Moquette adapter. */
public final class MqttAdapter implements Adapter {

    @Override
    public int start(HubContext hub, int port) {
        return port;
    }

    public boolean disconnect(String deviceId) {
        return false;
    }

    public boolean isConnected(String deviceId) {
        return false;
    }

    @Override
    public void close() {
    }
}
