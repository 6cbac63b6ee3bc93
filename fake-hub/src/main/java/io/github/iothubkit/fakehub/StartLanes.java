package io.github.iothubkit.fakehub;

import io.github.iothubkit.fakehub.internal.SharedVertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A hub starts in two lanes, which on a fresh JVM (mostly class loading) saves a good part of the first
 * start: the caller's thread makes the certificates and starts Moquette, while another thread creates the
 * shared Vert.x and then starts the listeners on it. Warm, the second lane costs one short-lived thread.
 */
final class StartLanes {

    private StartLanes() {
    }

    /** Creates the shared Vert.x on another thread, beside the certificates the hub makes meanwhile. */
    static CompletableFuture<Void> prepareVertx() {
        // a failure here shows again, with the usual message, when an adapter asks for Vert.x itself
        return CompletableFuture.runAsync(SharedVertx::get, StartLanes::thread).exceptionally(e -> null);
    }

    /**
     * Runs {@code vertxLane} on another thread once {@code vertx} is ready and {@code here} on this one, and
     * returns when both have ended. A failure of {@code here} wins over one of the other lane, as if the
     * lanes had run one after the other.
     */
    static void run(CompletableFuture<Void> vertx, Runnable vertxLane, Runnable here) {
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
