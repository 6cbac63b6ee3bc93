package io.github.iothubkit.deviceapp;

/** A failure the app reports as one line on stderr; {@link Kind} decides the exit code. */
public final class DeviceAppException extends RuntimeException {

    /** What went wrong, from the user's point of view. */
    public enum Kind {
        /** A missing or malformed setting (environment variable, connection string, CA file). */
        CONFIGURATION(2),
        /** The hub refused the device's credentials. */
        UNAUTHORIZED(3),
        /** The hub could not be reached, or did not answer in time. */
        UNREACHABLE(4),
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

    public DeviceAppException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
