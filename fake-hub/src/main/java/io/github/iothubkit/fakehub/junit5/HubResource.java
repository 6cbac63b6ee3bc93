package io.github.iothubkit.fakehub.junit5;

import io.github.iothubkit.fakehub.FakeIotHub;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A hub as the extension keeps it in the {@link ExtensionContext.Store}: JUnit closes it when its context
 * ends, even after a failure. Tests that share it take turns through {@link #lease()}, since each test
 * resets it; one test per hub at a time keeps parallel execution correct.
 */
@SuppressWarnings("deprecation") // CloseableResource: still what JUnit before 5.13 closes; newer ones close AutoCloseable
final class HubResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    private final FakeIotHub hub;
    private final Semaphore turn = new Semaphore(1, true);

    HubResource(FakeIotHub hub) {
        this.hub = hub;
    }

    FakeIotHub hub() {
        return hub;
    }

    /** Waits for this test's turn; the returned lease ends the turn when JUnit closes it. */
    Lease lease() {
        turn.acquireUninterruptibly();
        return new Lease();
    }

    @Override
    public void close() {
        hub.close(); // idempotent: JUnit may call both close methods' paths on some versions
    }

    final class Lease implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private boolean released;

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                turn.release();
            }
        }
    }
}
