package io.github.iothubkit.fakehub.c2d;

/**
 * 429001 ThrottlingException: the hub refused a send because the sender exceeded its rate. The fake hub
 * never throttles by itself; a test asks for it with {@code hub.faults()}.
 */
public final class ThrottledException extends C2dSendException {

    public ThrottledException(String deviceId, String message) {
        super(deviceId, message);
    }

    @Override
    public int errorCode() {
        return 429001;
    }
}
