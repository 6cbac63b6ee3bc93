package io.github.iothubkit.fakehub.c2d;

import io.github.iothubkit.fakehub.FakeIotHubException;

/** The hub refused a cloud-to-device message, for the reason the real hub would. */
public abstract class C2dSendException extends FakeIotHubException {

    private final String deviceId;

    protected C2dSendException(String deviceId, String message) {
        super(message);
        this.deviceId = deviceId;
    }

    public String deviceId() {
        return deviceId;
    }

    /** IoT Hub's numeric error code, such as 404001. */
    public abstract int errorCode();
}
