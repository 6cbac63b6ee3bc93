package io.github.iothubkit.fakehub.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the hub's other owners hear from its {@link DeviceRegistry}: a device disabled, re-keyed or enabled,
 * and a device deleted. The hub creates one and hands it to its registry, so tests never see these
 * hooks. Hub SPI.
 */
public final class RegistryEvents {

    private final List<Consumer<DeviceIdentity>> changeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<DeviceIdentity>> deleteListeners = new CopyOnWriteArrayList<>();

    /** Told after a device is disabled, re-keyed or enabled. */
    public void onChange(Consumer<DeviceIdentity> listener) {
        changeListeners.add(listener);
    }

    /** Told after a device is deleted. */
    public void onDelete(Consumer<DeviceIdentity> listener) {
        deleteListeners.add(listener);
    }

    void changed(DeviceIdentity device) {
        changeListeners.forEach(l -> l.accept(device));
    }

    void deleted(DeviceIdentity device) {
        deleteListeners.forEach(l -> l.accept(device));
    }
}
