package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;
import java.net.BindException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's AMQPS endpoint for the service SDK: TLS, SASL ANONYMOUS, CBS put-token, the C2D sender
 * link ({@code /messages/devicebound}) and feedback receivers ({@code /messages/servicebound/feedback}).
 * Built on vertx-proton over one Vert.x instance shared by all hubs of the JVM.
 */
public final class AmqpAdapter implements Adapter {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpAdapter.class);
    /**
     * Addresses served by the shared Vert.x. Vert.x would silently share one listening socket between two
     * servers on the same address instead of failing, so the second hub must be refused here.
     */
    private static final Set<String> SERVED = ConcurrentHashMap.newKeySet();

    private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    private ProtonServer server;
    private FeedbackDispatcher feedback;
    private String served;

    @Override
    public synchronized int start(HubContext hub, int port) throws Exception {
        Vertx vertx = SharedVertx.get();
        String requested = hub.host() + ":" + port;
        if (port != 0 && !SERVED.add(requested)) {
            throw new BindException("another fake hub in this JVM already serves AMQPS on " + requested);
        }
        served = port != 0 ? requested : null;
        ProtonServerOptions options = new ProtonServerOptions();
        options.setSsl(true)
                .setKeyCertOptions(KeyCertOptions.wrap(hub.certificates().keyManagerFactory()))
                // the SDKs' default contexts speak only TLS 1.2; a caller's own context may prefer 1.3
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        feedback = new FeedbackDispatcher(vertx, hub);
        server = ProtonServer.create(vertx, options)
                .saslAuthenticatorFactory(LiberalSaslAuthenticator::new)
                .connectHandler(connection -> {
                    AmqpConnection[] self = new AmqpConnection[1];
                    self[0] = new AmqpConnection(hub, connection, Vertx.currentContext(), feedback,
                            () -> connections.remove(self[0]));
                    connections.add(self[0]);
                    self[0].start();
                });
        CompletableFuture<ProtonServer> listening = new CompletableFuture<>();
        server.listen(port, hub.host(), ar -> {
            if (ar.succeeded()) {
                listening.complete(ar.result());
            } else {
                listening.completeExceptionally(ar.cause());
            }
        });
        try {
            listening.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw bindFailure(requested, e instanceof ExecutionException ? e.getCause() : e);
        }
        int bound = server.actualPort();
        if (served == null) {
            served = hub.host() + ":" + bound;
            SERVED.add(served);
        }
        LOG.debug("AMQPS listening on {}", served);
        return bound;
    }

    private static Exception bindFailure(String address, Throwable cause) {
        if (cause instanceof BindException b) {
            return b;
        }
        String message = String.valueOf(cause.getMessage());
        if (message.contains("Address already in use") || message.contains("Cannot assign requested address")) {
            BindException b = new BindException(address + ": " + message);
            b.initCause(cause);
            return b;
        }
        return cause instanceof Exception e ? e : new IllegalStateException(cause);
    }

    @Override
    public synchronized void close() {
        try {
            if (feedback != null) {
                feedback.close();
            }
            ProtonServer s = server;
            server = null;
            if (s != null) {
                CompletableFuture<Void> closed = new CompletableFuture<>();
                s.close(ar -> closed.complete(null));
                connections.forEach(AmqpConnection::disconnect);
                closed.get(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("AMQPS listener did not close cleanly", e);
        } finally {
            if (served != null) {
                SERVED.remove(served);
                served = null;
            }
            connections.clear();
        }
    }
}
