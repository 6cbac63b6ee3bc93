package io.github.iothubkit.fakehub.internal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServerOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Vert.x instance for every hub in the JVM (AMQPS and registry REST), created on first use. Creating
 * Vert.x costs tens of milliseconds and a handful of threads, so hubs only listen and unlisten on it. Its
 * threads are daemon threads: it is never closed, yet it cannot keep the JVM alive.
 */
public final class SharedVertx {

    private static final Logger LOG = LoggerFactory.getLogger(SharedVertx.class);
    private static final Set<String> SERVED = ConcurrentHashMap.newKeySet();
    private static Vertx instance;

    private SharedVertx() {
    }

    public static synchronized Vertx get() {
        if (instance == null) {
            instance = Vertx.vertx(new VertxOptions()
                    .setUseDaemonThread(true)
                    .setEventLoopPoolSize(Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())))
                    .setWorkerPoolSize(4)
                    .setInternalBlockingPoolSize(2)
                    // the fake serves no files: no cache directory, no class-path lookups
                    .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                            .setClassPathResolvingEnabled(false)));
        }
        return instance;
    }

    /** Makes {@code options} serve TLS with the hub's certificate. */
    public static <T extends NetServerOptions> T tls(T options, HubContext hub) {
        options.setSsl(true)
                .setSslEngineOptions(ServerTls.vertx()) // not Netty's builder: see ServerTls
                .setKeyCertOptions(KeyCertOptions.wrap(hub.certificates().keyManagerFactory()))
                // the SDKs' default contexts speak only TLS 1.2; a caller's own context may prefer 1.3
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        return options;
    }

    /** A server of the shared Vert.x listening on an address; closing it frees the address for another hub. */
    public static final class Listening implements AutoCloseable {
        private final String host;
        private final int port;
        private final Supplier<Future<?>> closeServer;

        private Listening(String host, int port, Supplier<Future<?>> closeServer) {
            this.host = host;
            this.port = port;
            this.closeServer = closeServer;
        }

        public int port() {
            return port;
        }

        public String address() {
            return host + ":" + port;
        }

        /** Closes the server and its connections, and returns once the port can be bound again. */
        @Override
        public void close() {
            try {
                closeServer.get().toCompletionStage().toCompletableFuture().get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("{} did not close cleanly", address(), e);
            }
            try {
                awaitUnbound();
            } finally {
                SERVED.remove(address());
            }
        }

        /**
         * Netty closes a listening socket only at its selector's next wake-up, a moment after the server's
         * close has completed; until then the port cannot be bound. Waiting here lets a hub restart on the
         * same address at once.
         */
        private void awaitUnbound() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (true) {
                try (ServerSocket probe = new ServerSocket()) {
                    probe.bind(new InetSocketAddress(host, port));
                    return;
                } catch (IOException e) {
                    if (!String.valueOf(e.getMessage()).contains("in use") || System.nanoTime() > deadline) {
                        return; // e.g. a privileged port this process may not probe: nothing to wait for
                    }
                    LockSupport.parkNanos(100_000);
                }
            }
        }
    }

    /**
     * Starts a server of the shared Vert.x on {@code host:port} (0: any free port) and waits until it
     * listens. Vert.x would silently share one socket between two servers on the same address instead of
     * failing, so an address another hub of this JVM serves is refused here, as the OS refuses it across
     * processes.
     *
     * @param listen starts listening on the given port and yields the port actually bound
     * @param close  closes the server (and with it its connections)
     * @throws BindException if the address is taken
     */
    public static Listening listen(String host, int port, IntFunction<Future<Integer>> listen,
            Supplier<Future<?>> close) throws Exception {
        String requested = host + ":" + port;
        if (port != 0 && !SERVED.add(requested)) {
            throw new BindException("another fake hub in this JVM already serves " + requested);
        }
        boolean listening = false;
        try {
            int bound = listen.apply(port).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            SERVED.add(host + ":" + bound);
            listening = true;
            return new Listening(host, bound, close);
        } catch (ExecutionException | TimeoutException e) {
            throw bindFailure(requested, e instanceof ExecutionException ? e.getCause() : e);
        } finally {
            if (!listening) {
                SERVED.remove(requested);
            }
        }
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
}
