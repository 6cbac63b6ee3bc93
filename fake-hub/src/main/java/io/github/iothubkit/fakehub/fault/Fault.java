package io.github.iothubkit.fakehub.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault to inject, as an immutable value (like MockWebServer's {@code SocketEffect}): build one here
 * and hand it to {@link Faults#inject(String, Fault)}. {@link Faults#clear()} and the hub's
 * {@code reset()} remove every fault.
 *
 * <pre>{@code
 * hub.faults().inject("dev1", Fault.refuseConnect(ConnectRefusal.SERVER_UNAVAILABLE).times(2));
 * hub.faults().inject("dev1", Fault.withholdAcks());
 * hub.faults().inject(Fault.failSend(SendError.THROTTLED));
 * }</pre>
 */
public sealed interface Fault permits Fault.RefuseConnect, Fault.WithholdAcks, Fault.DelayDelivery, Fault.FailSend {

    /**
     * The device's next connect (or next {@code times(n)}) is refused for this reason, on any transport
     * (MQTT answers the CONNACK code of the same name).
     */
    static RefuseConnect refuseConnect(ConnectRefusal refusal) {
        return new RefuseConnect(refusal, 1);
    }

    /**
     * The hub ignores the device's acks (MQTT PUBACKs) until {@link Faults#releaseAcks}: its messages stay
     * DELIVERED and its in-flight window fills up. Released acks are applied if the connection that
     * sent them is still open; acks of a connection that closed meanwhile are lost, so those messages
     * are delivered again, as after a PUBACK lost on the network.
     */
    static WithholdAcks withholdAcks() {
        return new WithholdAcks();
    }

    /** Every C2D message pushed to the device reaches the wire this much later (order is kept). */
    static DelayDelivery delayDelivery(Duration delay) {
        return new DelayDelivery(delay);
    }

    /** The next C2D send (or next {@code times(n)}) fails with this error, as the real hub reports it. */
    static FailSend failSend(SendError error) {
        return new FailSend(error, 1);
    }

    /** @param count how many connects to refuse */
    record RefuseConnect(ConnectRefusal refusal, int count) implements Fault {
        public RefuseConnect {
            Objects.requireNonNull(refusal, "refusal");
            requirePositive(count);
        }

        public RefuseConnect times(int n) {
            return new RefuseConnect(refusal, n);
        }
    }

    record WithholdAcks() implements Fault {
    }

    record DelayDelivery(Duration delay) implements Fault {
        public DelayDelivery {
            if (delay == null || delay.isNegative()) {
                throw new IllegalArgumentException("delay must be zero or positive: " + delay);
            }
        }
    }

    /** @param count how many sends to fail */
    record FailSend(SendError error, int count) implements Fault {
        public FailSend {
            Objects.requireNonNull(error, "error");
            requirePositive(count);
        }

        public FailSend times(int n) {
            return new FailSend(error, n);
        }
    }

    private static void requirePositive(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + count);
        }
    }
}
