package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.twin.Twin;
import io.github.iothubkit.fakehub.twin.Twins;
import java.time.Duration;
import java.util.function.Function;
import org.assertj.core.annotation.CheckReturnValue;

/** Assertions on one device's twin. */
public final class TwinAssert {

    private final FakeIotHub hub;
    private final String deviceId;

    TwinAssert(FakeIotHub hub, String deviceId) {
        this.hub = hub;
        this.deviceId = deviceId;
    }

    /** The device reported {@code value} at the dotted {@code path} (numbers compared by value). */
    @CheckReturnValue
    public Awaiting<Twin> hasReported(String path, Object value) {
        return has("reported", path, value, t -> t.reported(path));
    }

    /** The twin's desired properties hold {@code value} at the dotted {@code path}. */
    @CheckReturnValue
    public Awaiting<Twin> hasDesired(String path, Object value) {
        return has("desired", path, value, t -> t.desired(path));
    }

    private Awaiting<Twin> has(String section, String path, Object value, Function<Twin, Object> read) {
        return new Awaiting<>(timeout -> {
            try {
                return hub.twins().await(deviceId, t -> Twins.sameValue(read.apply(t), value), timeout);
            } catch (AssertionError e) {
                Awaiting.rethrowIfInterrupted(e);
                throw new AssertionError("Expected the twin of device '" + deviceId + "' to have " + section + " "
                        + path + " = " + value + " within " + Awaiting.millis(timeout) + ", but " + describe());
            }
        });
    }

    private String describe() {
        if (hub.devices().find(deviceId).isEmpty()) {
            return "no device '" + deviceId + "' is registered";
        }
        return "it has " + Twins.describe(hub.twins().get(deviceId));
    }
}
