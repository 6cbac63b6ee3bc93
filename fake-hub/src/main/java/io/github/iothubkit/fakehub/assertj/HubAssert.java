package io.github.iothubkit.fakehub.assertj;

import io.github.iothubkit.fakehub.FakeIotHub;
import org.assertj.core.api.AbstractAssert;

/** Assertions on what a hub saw; each method narrows to one device or message. */
public final class HubAssert extends AbstractAssert<HubAssert, FakeIotHub> {

    HubAssert(FakeIotHub hub) {
        super(hub, HubAssert.class);
    }

    /** What the hub did with one device: the C2D messages it received. */
    public DeviceAssert device(String deviceId) {
        isNotNull();
        return new DeviceAssert(actual, deviceId);
    }

    /** The C2D message last sent with this id. */
    public C2dAssert c2d(String messageId) {
        isNotNull();
        return new C2dAssert(actual, messageId);
    }

    /** The telemetry the hub received from one device. */
    public TelemetryAssert telemetry(String deviceId) {
        isNotNull();
        return new TelemetryAssert(actual, deviceId);
    }

    /** The device's twin: reported and desired properties. */
    public TwinAssert twin(String deviceId) {
        isNotNull();
        return new TwinAssert(actual, deviceId);
    }

    /** The direct methods invoked on one device. */
    public MethodsAssert methods(String deviceId) {
        isNotNull();
        return new MethodsAssert(actual, deviceId);
    }

    /** The delivery feedback for the C2D message with this id. */
    public FeedbackAssert feedback(String messageId) {
        isNotNull();
        return new FeedbackAssert(actual, messageId);
    }
}
