package io.github.iothubkit.serviceapp;

import io.github.iothubkit.appsupport.QuietLogging;
import io.github.iothubkit.serviceapp.ServiceAppException.Kind;
import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * Command-line entry point. Environment: {@code IOTHUB_CONNECTION_STRING}, {@code IOTHUB_DEVICE_ID},
 * optional {@code IOTHUB_TRUSTED_CA_PEM} (PEM file), {@code IOTHUB_MESSAGE_COUNT} (default 2) and
 * {@code IOTHUB_FEEDBACK_TIMEOUT_SECONDS} (wait that long for delivery feedback; default 0: do not wait).
 * Expected failures end with one line on stderr and a non-zero exit code (see {@link Kind}).
 */
public final class ServiceAppMain {

    private ServiceAppMain() {
    }

    public static void main(String[] args) {
        QuietLogging.unlessConfigured("org.apache.qpid.proton"); // proton-j logs TLS failures through JUL
        int code = run(System.getenv(), System.out, System.err);
        Console console = System.console();
        // The tutorial's pause; only on a terminal, so scripts and CI never block here.
        if (code == 0 && console != null) {
            System.out.println("Press Enter to continue...");
            console.readLine();
        }
        // The SDK's reactor threads are not all daemons; do not let one keep the JVM alive.
        System.exit(code);
    }

    static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            ServiceApp.Config config = configFromEnvironment(env, out);
            out.println("Starting the Java IoT Hub C2D Messaging service sample...");
            ServiceApp.Result result = new ServiceApp(config).run();
            if (config.feedbackTimeout() != null && !result.missingFeedback().isEmpty()) {
                throw new ServiceAppException(Kind.FEEDBACK_TIMEOUT, "no delivery feedback within "
                        + config.feedbackTimeout().toSeconds() + " s for " + result.missingFeedback()
                        + ": is the device connected and completing its messages?", null);
            }
            return 0;
        } catch (ServiceAppException e) {
            err.println("error: " + e.getMessage());
            return e.kind().exitCode();
        }
    }

    static ServiceApp.Config configFromEnvironment(Map<String, String> env, PrintStream out) {
        String connectionString = required(env, ServiceApp.CONNECTION_STRING_VARIABLE,
                "the hub's service connection string (HostName=<host>;SharedAccessKeyName=<policy>;SharedAccessKey=<key>)");
        String deviceId = required(env, ServiceApp.DEVICE_ID_VARIABLE, "the id of the device to send to");
        ServiceApp.Config config = ServiceApp.Config.of(connectionString, deviceId).withOutput(out)
                .withMessageCount(number(env, ServiceApp.MESSAGE_COUNT_VARIABLE, 2));
        int feedbackSeconds = number(env, ServiceApp.FEEDBACK_TIMEOUT_VARIABLE, 0);
        if (feedbackSeconds > 0) {
            config = config.withFeedbackTimeout(Duration.ofSeconds(feedbackSeconds));
        }
        String ca = env.get(ServiceApp.TRUSTED_CA_VARIABLE);
        return ca == null || ca.isBlank() ? config : config.withTrustedCa(ca);
    }

    private static String required(Map<String, String> env, String name, String what) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new ServiceAppException(Kind.CONFIGURATION, name + " is not set: export " + what, null);
        }
        return value.trim();
    }

    private static int number(Map<String, String> env, String name, int defaultValue) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ServiceAppException(Kind.CONFIGURATION, name + " must be a whole number >= 0, not '" + value + "'",
                null);
    }
}
