package io.github.iothubkit.deviceapp;

import io.github.iothubkit.appsupport.QuietLogging;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * Command-line entry point: {@code IOTHUB_DEVICE_CONNECTION_STRING=... [IOTHUB_TRUSTED_CA_PEM=ca.pem] java ...}.
 * Runs until Ctrl-C. Expected failures end with one line on stderr and a non-zero exit code
 * (2 configuration, 3 unauthorized, 4 unreachable, 1 other); no stack traces.
 */
public final class DeviceAppMain {

    private DeviceAppMain() {
    }

    public static void main(String[] args) {
        QuietLogging.unlessConfigured();
        int code = run(System.getenv(), System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the app; returns the exit code, or -1 when the JVM is shutting down (Ctrl-C), in which case
     * the shutdown hook has already closed the client.
     */
    static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        DeviceApp app;
        try {
            app = new DeviceApp(DeviceApp.Config.fromEnvironment(env, out));
            out.println("Starting the Java IoT Hub C2D Messaging device sample...");
            app.start();
        } catch (DeviceAppException e) {
            err.println("error: " + e.getMessage());
            return e.kind().exitCode();
        }
        Thread hook = new Thread(() -> {
            app.close();
            out.println("IoT Hub C2D Messaging device sample stopped");
            out.flush();
        }, "device-app-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("Waiting for C2D messages, press Ctrl-C to exit");
        Optional<DeviceAppException> failure;
        try {
            failure = app.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = Optional.empty();
        }
        if (failure.isEmpty()) {
            return -1;
        }
        // The connection was lost for good: report it and leave the hook unused.
        Runtime.getRuntime().removeShutdownHook(hook);
        app.close();
        err.println("error: " + failure.get().getMessage());
        return failure.get().kind().exitCode();
    }
}
