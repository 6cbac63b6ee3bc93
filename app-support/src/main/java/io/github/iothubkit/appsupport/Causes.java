package io.github.iothubkit.appsupport;

/**
 * Reading an SDK failure for a one-line message. The Azure SDKs wrap the real reason two or three levels
 * deep (IotHubClientException, ProtocolException, SSLHandshakeException, ...), so the apps dig it out
 * and name it instead of printing the chain.
 */
public final class Causes {

    private Causes() {
    }

    /** Whether {@code t} or any of its causes is a {@code type}: TLS failures hide under SDK wrappers. */
    public static boolean inChain(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    public static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The message on one line, or the exception's simple name when it has none. */
    public static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : oneLine(message);
    }

    public static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }
}
