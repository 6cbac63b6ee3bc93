package io.github.iothubkit.fakehub.standalone;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.Keys;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar fake-hub-standalone.jar}: runs one {@link FakeIotHub} until SIGINT/SIGTERM.
 * stdout carries only the machine-readable lines (connection strings, CA path, READY) so that a
 * parent process can read them; every log line goes to stderr. The only class that calls System.exit.
 */
public final class Main {

    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        configureLogging();
        CommandLineOptions options;
        try {
            options = CommandLineOptions.parse(args);
        } catch (CommandLineOptions.UsageException e) {
            System.err.println("fake-hub: " + e.getMessage());
            System.err.println();
            System.err.print(CommandLineOptions.usage());
            System.err.flush();
            System.exit(EXIT_USAGE);
            return;
        }
        if (options.help()) {
            System.out.print(CommandLineOptions.usage());
            System.out.flush();
            return;
        }
        FakeIotHub hub;
        try {
            hub = start(options, System.out);
        } catch (RuntimeException e) {
            System.err.println("fake-hub: cannot start: " + e.getMessage());
            System.err.flush();
            System.exit(EXIT_START_FAILED);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGINT/SIGTERM run this hook; the JVM then exits (143 after SIGTERM) once it returns.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            stopped.countDown();
        }, "fake-hub-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the hub, registers the devices, writes the CA and prints the lines a parent process reads. */
    static FakeIotHub start(CommandLineOptions options, PrintStream out) {
        FakeIotHub hub = options.toBuilder().start();
        try {
            for (CommandLineOptions.DeviceOption device : options.devices()) {
                if (device.key() == null) {
                    hub.devices().create(device.deviceId());
                } else {
                    hub.devices().create(device.deviceId(), device.key(), Keys.generate());
                }
            }
            Path ca = options.caOut() == null ? null : hub.trust().writeCaPem(options.caOut()).toAbsolutePath();
            // A default registry port that cannot be bound is reported by the hub itself, in one WARN line.
            out.println("IOTHUB_CONNECTION_STRING=" + hub.serviceConnectionString());
            for (CommandLineOptions.DeviceOption device : options.devices()) {
                out.println("DEVICE_CONNECTION_STRING_" + device.deviceId() + "="
                        + hub.devices().get(device.deviceId()).connectionString());
            }
            if (ca != null) {
                out.println("CA_PEM=" + ca);
            }
            out.println("EVENTHUB_CONNECTION_STRING=" + hub.eventHubsConnectionString());
            out.println("READY");
            out.flush();
            return hub;
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
    }

    /**
     * Plain stderr logging for the shaded jar's slf4j-simple: level and message only, INFO for the hub,
     * WARN for its libraries. Set as defaults here (not in a resource) so that the library jar never
     * configures a user's logging, and any {@code -Dorg.slf4j.simpleLogger...} given wins.
     */
    private static void configureLogging() {
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.log.io.github.iothubkit", "info");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
