package io.github.iothubkit.fakehub.session;

import io.github.iothubkit.fakehub.c2d.Delivery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A second transport in miniature, for tests: a device session that records what the hub pushes to it and
 * how the hub ended it, and reports its open, subscriptions and close to {@link DeviceSessions} like a real
 * transport does. Deliveries are recorded at once (their delay is kept in the {@link Delivery}), and a
 * close by the hub is reported at once: a test double needs no event loop to order them.
 */
public final class StubLink implements DeviceLink {

    private final DeviceSessions sessions;
    private final String deviceId;
    private final String transport;
    /** Thread-safe: features push from any thread. */
    public final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean open;
    private volatile Drop droppedAs;
    private volatile String droppedWhy;

    private StubLink(DeviceSessions sessions, String deviceId, String transport) {
        this.sessions = sessions;
        this.deviceId = deviceId;
        this.transport = transport;
    }

    /** Opens a fresh (non-persistent) session of the device, subscribed to C2D if {@code c2d}. */
    public static StubLink connect(DeviceSessions sessions, String deviceId, boolean c2d) {
        return connect(sessions, deviceId, "STUB", c2d);
    }

    public static StubLink connect(DeviceSessions sessions, String deviceId, String transport, boolean c2d) {
        StubLink link = open(sessions, deviceId, transport, false, false);
        if (c2d) {
            link.subscribe(Feature.C2D);
        }
        return link;
    }

    /** Opens a session as {@link DeviceSessions#opened} takes it: persistent or not, resumed or not. */
    public static StubLink open(DeviceSessions sessions, String deviceId, String transport, boolean persistent,
            boolean resumed) {
        StubLink link = new StubLink(sessions, deviceId, transport);
        link.open = true;
        sessions.opened(link, persistent, resumed);
        return link;
    }

    public StubLink subscribe(Feature feature) {
        sessions.subscribed(this, feature);
        return this;
    }

    public StubLink unsubscribe(Feature feature) {
        sessions.unsubscribed(this, feature);
        return this;
    }

    /** The device goes away on its own (as a network drop seen from the hub's side). */
    public void disconnect() {
        open = false;
        sessions.closed(this);
    }

    /** How the hub ended the session, or null if it did not. */
    public Drop droppedAs() {
        return droppedAs;
    }

    public String droppedWhy() {
        return droppedWhy;
    }

    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    @Override
    public String deviceId() {
        return deviceId;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void deliver(Delivery delivery) {
        deliveries.add(delivery);
    }

    @Override
    public CompletionStage<Void> close(Drop how, String why) {
        if (open) {
            droppedAs = how;
            droppedWhy = why;
            disconnect();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return transport + " session of '" + deviceId + "'";
    }
}
