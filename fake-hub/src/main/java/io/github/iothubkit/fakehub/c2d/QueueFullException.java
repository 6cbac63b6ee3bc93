package io.github.iothubkit.fakehub.c2d;

/** 403004 DeviceMaximumQueueDepthExceeded: the device already has 50 messages queued. */
public final class QueueFullException extends C2dSendException {

    public QueueFullException(String deviceId, String message) {
        super(deviceId, message);
    }

    @Override
    public int errorCode() {
        return 403004;
    }
}
