package io.github.iothubkit.fakehub;

import io.github.iothubkit.fakehub.internal.SharedVertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The first hub of a JVM starts in two lanes, which saves a good part of a cold start (mostly class
 * loading): the caller's thread makes the certificates and starts Moquette, while another thread creates
 * the shared Vert.x and then starts AMQP on it. Once Vert.x exists, starts take a few milliseconds
 * and run in one lane, one listener after the other, as handing work to a second thread would cost more.
 */
final class StartLanes {

    private static final CompletableFuture<Void> WARM = CompletableFuture.completedFuture(null);
    private static volatile boolean vertxCreated;

    private StartLanes() {
    }

    /** Creates the shared Vert.x on another thread, beside the certificates the hub makes meanwhile. */
    static CompletableFuture<Void> prepareVertx() {
        if (vertxCreated) {
            return WARM;
        }
        return CompletableFuture.runAsync(() -> {
            SharedVertx.get();
            vertxCreated = true;
        }, StartLanes::thread).exceptionally(e -> null); // it fails again, with the usual message, in the adapter
    }

    /**
     * Runs {@code vertxLane} on another thread once {@code vertx} is ready and {@code here} on this one, and
     * returns when both have ended. A failure of {@code here} wins over one of the other lane, as if the
     * lanes had run one after the other.
     */
    static void run(CompletableFuture<Void> vertx, Runnable vertxLane, Runnable here) {
        if (vertx == WARM) {
            here.run();
            vertxLane.run();
            return;
        }
        CompletableFuture<Void> other = vertx.thenRunAsync(vertxLane, StartLanes::thread);
        RuntimeException failure = null;
        try {
            here.run();
        } catch (RuntimeException e) {
            failure = e; // still wait for the other lane, so that closing the hub finds it done
        }
        try {
            other.join();
        } catch (CompletionException e) {
            if (failure == null && e.getCause() instanceof Error error) {
                throw error;
            }
            if (failure == null) {
                throw (RuntimeException) e.getCause(); // a Runnable throws nothing else
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void thread(Runnable task) {
        Thread t = new Thread(task, "fake-iot-hub-start");
        t.setDaemon(true);
        t.start();
    }
}
