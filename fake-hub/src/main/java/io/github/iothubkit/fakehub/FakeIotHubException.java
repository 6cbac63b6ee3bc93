package io.github.iothubkit.fakehub;

/** A hub that cannot start, or an operation the hub refuses; the message says how to fix it. */
public class FakeIotHubException extends RuntimeException {

    public FakeIotHubException(String message) {
        super(message);
    }

    public FakeIotHubException(String message, Throwable cause) {
        super(message, cause);
    }
}
