package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.assertj.core.annotation.CheckReturnValue;

/** Assertions on one C2D message, found by its message id. */
public final class C2dAssert {

    private final FakeIotHub hub;
    private final String messageId;

    C2dAssert(FakeIotHub hub, String messageId) {
        this.hub = hub;
        this.messageId = messageId;
    }

    /** The message went through {@code outcome} (it may have moved on since, e.g. DELIVERED then COMPLETED). */
    @CheckReturnValue
    public Awaiting<C2dRecord> hasOutcome(C2dOutcome outcome) {
        return new Awaiting<>(timeout -> {
            try {
                return hub.cloudToDevice().awaitOutcome(messageId, outcome, timeout);
            } catch (AssertionError e) {
                Awaiting.rethrowIfInterrupted(e);
                throw new AssertionError("Expected C2D message '" + messageId + "' to be " + outcome + " within "
                        + Awaiting.millis(timeout) + ", but " + describe(hub, messageId));
            }
        });
    }

    static String describe(FakeIotHub hub, String messageId) {
        Optional<C2dRecord> found = hub.cloudToDevice().find(messageId);
        if (found.isEmpty()) {
            String why = hub.cloudToDevice().explainMissing(messageId); // never sent, or dropped by retention
            return why + ". " + closestIds(hub, messageId);
        }
        C2dRecord r = found.get();
        return "it is " + r.outcome() + ".\n"
                + "  device:     " + r.deviceId() + " (" + connection(hub, r.deviceId()) + ")\n"
                + "  outcomes:   " + r.outcomes().stream().map(Enum::name).collect(Collectors.joining(", ")) + "\n"
                + "  deliveries: " + r.deliveryCount() + "\n"
                + "  ack mode:   " + r.message().ack().wireName();
    }

    static String connection(FakeIotHub hub, String deviceId) {
        if (hub.devices().find(deviceId).isEmpty()) {
            return "not registered";
        }
        return hub.isConnected(deviceId) ? "connected" : "not connected";
    }

    private static String closestIds(FakeIotHub hub, String messageId) {
        List<C2dRecord> all = hub.cloudToDevice().records();
        if (all.isEmpty()) {
            return "No C2D message was sent at all.";
        }
        List<C2dRecord> closest = all.stream()
                .sorted(Comparator.comparingInt((C2dRecord r) -> distance(messageId, r.messageId())))
                .limit(NearMiss.SHOWN).toList();
        String which = hub.cloudToDevice().droppedNote().isEmpty() ? " sent: " : " still in the history: ";
        return "Closest ids of the " + all.size() + which + closest.stream()
                .map(r -> "'" + r.messageId() + "' (" + r.deviceId() + ", " + r.outcome() + ")")
                .collect(Collectors.joining(", ")) + ".";
    }

    /** Levenshtein distance: a typo'd id ranks its intended one first. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
