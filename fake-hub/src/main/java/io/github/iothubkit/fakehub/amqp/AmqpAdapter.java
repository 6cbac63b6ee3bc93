package io.github.iothubkit.fakehub.amqp;

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
                            () -> connections.remove(self[0]));
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
