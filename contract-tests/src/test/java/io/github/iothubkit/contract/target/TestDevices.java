package io.github.iothubkit.contract.target;

import java.util.ArrayList;
import java.util.List;

/** The devices of one test: created on the target, deleted when the test ends, whether it passed or not. */
public final class TestDevices implements AutoCloseable {

    private final HubUnderTest hub;
    private final List<String> created = new ArrayList<>();

    TestDevices(HubUnderTest hub) {
        this.hub = hub;
    }

    public synchronized TestDevice create(String prefix) {
        TestDevice device = hub.createDevice(prefix);
        created.add(device.deviceId());
        return device;
    }

    @Override
    public synchronized void close() {
        RuntimeException first = null;
        for (String id : created) {
            try {
                hub.deleteDevice(id);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        created.clear();
        if (first != null) {
            throw first;
        }
    }
}
