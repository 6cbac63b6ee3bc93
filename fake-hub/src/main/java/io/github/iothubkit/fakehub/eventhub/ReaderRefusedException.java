package io.github.iothubkit.fakehub.eventhub;

/** A receiver the endpoint will not open, and why (the AMQP side maps the reason to a link error). */
public final class ReaderRefusedException extends RuntimeException {

    public enum Reason { NOT_FOUND, EPOCH_TAKEN, TOO_MANY_READERS }

    private final Reason reason;

    ReaderRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
