package io.github.iothubkit.fakehub.c2d;

/** 404001 DeviceNotFound: the device is not registered, or is disabled. */
public final class DeviceNotFoundException extends C2dSendException {

    public DeviceNotFoundException(String deviceId, String message) {
        super(deviceId, message);
    }

    @Override
    public int errorCode() {
        return 404001;
    }
}
