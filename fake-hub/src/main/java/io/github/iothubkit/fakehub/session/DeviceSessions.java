package io.github.iothubkit.fakehub.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's one record of device sessions, whatever the transport: which session is a device's current
 * one, which features it subscribed to, which subscriptions a persistent session keeps across
 * connections, takeover of an older session and disconnect. Transports report to it ({@link #opened},
 * {@link #subscribed}, {@link #unsubscribed}, {@link #closed}); features ask it ("connected?",
 * "subscribed to methods?") and push through {@link #subscribedLink}. Thread-safe; reads take no lock, so
 * a feature may ask while holding its own locks. Hub SPI, not test API.
 */
public final class DeviceSessions {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSessions.class);

    /** What a feature hears about sessions; only events of a device's current session are reported. */
    public interface Listener {
        /** A new current session (the older one, if any, is being closed); {@code link} may already hold subscriptions. */
        default void opened(DeviceLink link) {
        }

        default void subscribed(DeviceLink link, Feature feature) {
        }

        default void unsubscribed(DeviceLink link, Feature feature) {
        }

        /** The device's current session ended: it has none now. */
        default void closed(DeviceLink link) {
        }

        /** The device was deleted: forget whatever is kept for it across its sessions. */
        default void forgotten(String deviceId) {
        }
    }

    private record Current(DeviceLink link, Set<Feature> features) {
    }

    private final Map<String, Current> current = new ConcurrentHashMap<>();
    /** Subscriptions a persistent (MQTT clean-session false) session keeps for the device's next connection. */
    private final Map<String, Set<Feature>> persistent = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    // ---- transports report ------------------------------------------------------------------------

    /**
     * A transport accepted a device's connection: it becomes the device's current session and an older
     * one is closed (takeover).
     *
     * @param persistent whether the device asked to keep its session (MQTT: clean session false);
     *                   if not, the subscriptions kept from earlier connections are forgotten
     * @param resumed    whether the transport resumed a kept session: its kept subscriptions apply at once
     */
    public void opened(DeviceLink link, boolean persistent, boolean resumed) {
        String id = link.deviceId();
        Set<Feature> kept = persistent && resumed ? this.persistent.getOrDefault(id, Set.of()) : Set.of();
        if (!persistent) {
            this.persistent.remove(id);
        }
        Current previous = current.put(id, new Current(link, copy(kept)));
        listeners.forEach(l -> l.opened(link));
        if (previous != null && previous.link != link && previous.link.isOpen()) {
            previous.link.close(Drop.CLEAN, "taken over by a newer " + link.transport() + " connection of the device");
        }
    }

    /** The session subscribed to a feature (reported once the transport confirmed it to the device). */
    public void subscribed(DeviceLink link, Feature feature) {
        String id = link.deviceId();
        persistent.compute(id, (k, set) -> add(set, feature));
        if (update(link, set -> add(set, feature))) {
            listeners.forEach(l -> l.subscribed(link, feature));
        }
    }

    /** The session unsubscribed from a feature; what it held of that feature goes back to the feature. */
    public void unsubscribed(DeviceLink link, Feature feature) {
        persistent.computeIfPresent(link.deviceId(), (k, set) -> {
            Set<Feature> left = remove(set, feature);
            return left.isEmpty() ? null : left;
        });
        if (update(link, set -> remove(set, feature))) {
            listeners.forEach(l -> l.unsubscribed(link, feature));
        }
    }

    /** The transport no longer carries the session. A session that was taken over changes nothing. */
    public void closed(DeviceLink link) {
        AtomicReference<Boolean> wasCurrent = new AtomicReference<>(false);
        current.computeIfPresent(link.deviceId(), (k, c) -> {
            if (c.link != link) {
                return c;
            }
            wasCurrent.set(true);
            return null;
        });
        if (wasCurrent.get()) {
            listeners.forEach(l -> l.closed(link));
        }
    }

    // ---- features ask -----------------------------------------------------------------------------

    /** Whether the device has a live session on any transport. */
    public boolean isConnected(String deviceId) {
        Current c = deviceId == null ? null : current.get(deviceId);
        return c != null && c.link.isOpen();
    }

    public boolean isSubscribed(String deviceId, Feature feature) {
        return subscribedLink(deviceId, feature) != null;
    }

    /** The device's current session if it subscribed to {@code feature}, else null: where to push. */
    public DeviceLink subscribedLink(String deviceId, Feature feature) {
        Current c = current.get(deviceId);
        return c != null && c.features.contains(feature) ? c.link : null;
    }

    /** The features {@code link} subscribed to (kept ones included), or none if it is not its device's current session. */
    public Set<Feature> features(DeviceLink link) {
        Current c = current.get(link.deviceId());
        return c != null && c.link == link ? Set.copyOf(c.features) : Set.of();
    }

    /** The device's current session, open or closing. */
    public Optional<DeviceLink> current(String deviceId) {
        Current c = deviceId == null ? null : current.get(deviceId);
        return c == null ? Optional.empty() : Optional.of(c.link);
    }

    /** Ends the device's current session; false if it had none. Kept subscriptions stay. */
    public boolean drop(String deviceId, Drop how, String why) {
        Optional<DeviceLink> link = current(deviceId);
        link.ifPresent(l -> l.close(how, why));
        return link.isPresent();
    }

    /** A deleted device: its session ends and nothing of it is kept. */
    public void forget(String deviceId) {
        persistent.remove(deviceId);
        drop(deviceId, Drop.CLEAN, "the device was deleted");
        listeners.forEach(l -> l.forgotten(deviceId));
    }

    /**
     * Ends every session and waits (up to {@code timeout}) until each transport has reported the close,
     * so that nothing of those sessions reaches the hub's state afterwards (used by reset).
     */
    public void dropAll(Duration timeout, String why) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Current c : current.values()) {
            closing.add(c.link.close(Drop.CLEAN, why).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("Not every device session reported its close within {} ms: {}", timeout.toMillis(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Applies {@code change} to the features of {@code link} if it is its device's current session. */
    private boolean update(DeviceLink link, java.util.function.UnaryOperator<Set<Feature>> change) {
        AtomicReference<Boolean> applied = new AtomicReference<>(false);
        current.computeIfPresent(link.deviceId(), (k, c) -> {
            if (c.link != link) {
                return c;
            }
            applied.set(true);
            return new Current(link, change.apply(c.features));
        });
        return applied.get();
    }

    private static Set<Feature> add(Set<Feature> set, Feature feature) {
        Set<Feature> s = copy(set == null ? Set.of() : set);
        s.add(feature);
        return s;
    }

    private static Set<Feature> remove(Set<Feature> set, Feature feature) {
        Set<Feature> s = copy(set);
        s.remove(feature);
        return s;
    }

    private static Set<Feature> copy(Set<Feature> set) {
        return set.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(set);
    }
}
