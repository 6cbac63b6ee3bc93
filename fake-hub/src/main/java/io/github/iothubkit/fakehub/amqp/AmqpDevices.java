package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.fault.Faults;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Which AMQP device session is each device's current one, so that the hub can tell whether a device is
 * connected over AMQP, drop it, and let a newer connection of the device take over. A stand-in for the
 * transport-neutral session owner: it keeps no state beyond the live sessions. Thread-safe.
 */
final class AmqpDevices {

    private final Map<String, AmqpDeviceSession> current = new ConcurrentHashMap<>();
    private final Faults faults;
    private volatile Consumer<String> onOpened = id -> { };

    AmqpDevices(Faults faults) {
        this.faults = faults;
        faults.onAcksReleased(id -> {
            AmqpDeviceSession s = current.get(id);
            if (s != null) {
                s.releaseWithheld();
            }
        });
    }

    Faults faults() {
        return faults;
    }

    /** Told the id of a device whose AMQP session opened, so the hub can end its other transports' sessions. */
    void onOpened(Consumer<String> listener) {
        this.onOpened = listener;
    }

    /** A session opened its first link: it becomes current, an older one is taken over (closed). */
    void opened(AmqpDeviceSession session) {
        AmqpDeviceSession previous = current.put(session.deviceId(), session);
        if (previous != null && previous != session) {
            previous.close("taken over by a newer AMQP connection of the device");
        }
        onOpened.accept(session.deviceId());
    }

    void closed(AmqpDeviceSession session) {
        current.remove(session.deviceId(), session);
    }

    boolean isConnected(String deviceId) {
        return deviceId != null && current.containsKey(deviceId);
    }

    /** Closes the device's AMQP connection; false if it had none. */
    boolean disconnect(String deviceId, String why) {
        AmqpDeviceSession s = deviceId == null ? null : current.get(deviceId);
        if (s != null) {
            s.close(why);
        }
        return s != null;
    }

    void disconnectAll(String why) {
        List.copyOf(current.values()).forEach(s -> s.close(why));
    }
}
