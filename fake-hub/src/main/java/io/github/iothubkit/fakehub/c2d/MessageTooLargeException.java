package io.github.iothubkit.fakehub.c2d;

/** 413001 MessageTooLarge: body, system property values and application properties exceed 64 KB. */
public final class MessageTooLargeException extends C2dSendException {

    public MessageTooLargeException(String deviceId, String message) {
        super(deviceId, message);
    }

    @Override
    public int errorCode() {
        return 413001;
    }
}
