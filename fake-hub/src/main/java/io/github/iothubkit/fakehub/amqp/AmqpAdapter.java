package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.fault.Faults;
import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.SharedVertx;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's AMQPS endpoint for the service SDKs: TLS, then SASL (any mechanism) or none, CBS
 * put-token, and the nodes each connection routes links to ({@code $cbs}, {@code /messages/devicebound},
 * {@code /messages/servicebound/feedback}; see {@link AmqpConnection}). Built on vertx-proton over one
 * Vert.x instance shared by all hubs of the JVM.
 */
public final class AmqpAdapter implements Adapter {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpAdapter.class);

    private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    private final AmqpDevices devices;

    /** An adapter with no faults injected (tests of the service side). */
    public AmqpAdapter() {
        this(new Faults());
    }

    /** @param faults the hub's fault controls, applied to device links */
    public AmqpAdapter(Faults faults) {
        this.devices = new AmqpDevices(faults);
    }

    /** Whether the device has an open AMQP device link. Any thread. */
    public boolean isConnected(String deviceId) {
        return devices.isConnected(deviceId);
    }

    /** Closes the device's AMQP connection; false if it had none. Any thread. */
    public boolean disconnect(String deviceId) {
        return devices.disconnect(deviceId, "dropped by the hub");
    }

    /** Closes every device's AMQP connection (service connections stay). Any thread. */
    public void disconnectDevices() {
        devices.disconnectAll("the hub was reset");
    }

    /** Told the id of each device whose AMQP session opens (to end its sessions on other transports). */
    public void onDeviceOpened(java.util.function.Consumer<String> listener) {
        devices.onOpened(listener);
    }
    private FeedbackDispatcher feedback;
    private SharedVertx.Listening listening;

    @Override
    public synchronized int start(HubContext hub, int port) throws Exception {
        Vertx vertx = SharedVertx.get();
        feedback = new FeedbackDispatcher(vertx, hub);
        ProtonServer server = ProtonServer.create(vertx, SharedVertx.tls(new ProtonServerOptions(), hub))
                .saslAuthenticatorFactory(LiberalSaslAuthenticator::new)
                .connectHandler(connection -> {
                    AmqpConnection[] self = new AmqpConnection[1];
                    self[0] = new AmqpConnection(hub, connection, Vertx.currentContext(), feedback,
                            devices, () -> connections.remove(self[0]));
                    connections.add(self[0]);
                    self[0].start();
                });
        try {
            listening = SharedVertx.listen(hub.host(), port, p -> {
                Promise<ProtonServer> bound = Promise.promise();
                server.listen(p, hub.host(), ar -> bound.handle(ar));
                return bound.future().map(ProtonServer::actualPort);
            }, () -> {
                Promise<Void> closed = Promise.promise();
                server.close(ar -> closed.handle(ar));
                connections.forEach(AmqpConnection::disconnect);
                return closed.future();
            });
        } catch (Exception e) {
            close();
            throw e;
        }
        LOG.debug("AMQPS listening on {}", listening.address());
        return listening.port();
    }

    @Override
    public synchronized void close() {
        if (feedback != null) {
            feedback.close();
        }
        if (listening != null) {
            listening.close();
            listening = null;
        }
        connections.clear();
    }
}
