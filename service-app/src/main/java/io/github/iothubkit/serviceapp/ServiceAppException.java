package io.github.iothubkit.serviceapp;

/** A failure the app reports as one line on stderr; {@link Kind} decides the exit code. */
public final class ServiceAppException extends RuntimeException {

    /** What went wrong, from the user's point of view. */
    public enum Kind {
        /** A missing or malformed setting (environment variable, connection string, CA file). */
        CONFIGURATION(2),
        /** The hub refused the service credentials, or the policy lacks the "service connect" right. */
        UNAUTHORIZED(3),
        /** The hub could not be reached, or did not answer in time. */
        UNREACHABLE(4),
        /** The target device is not registered, or is disabled. */
        DEVICE_NOT_FOUND(5),
        /** The device already has the maximum number (50) of cloud-to-device messages queued. */
        QUEUE_FULL(6),
        /** Delivery feedback was asked for but did not arrive in time for every message. */
        FEEDBACK_TIMEOUT(7),
        /** Anything else the SDK reported. */
        OTHER(1);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public ServiceAppException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
