package io.github.iothubkit.demo;

import io.github.iothubkit.appsupport.QuietLogging;
import io.github.iothubkit.deviceapp.DeviceApp;
import io.github.iothubkit.deviceapp.DeviceAppException;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.FakeIotHubException;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.serviceapp.ServiceApp;
import io.github.iothubkit.serviceapp.ServiceAppException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The "Send cloud-to-device messages" tutorial on one machine with no Azure account: starts the fake
 * hub, registers {@code myDevice}, runs the device app on it, sends the tutorial's two messages with
 * the service app, waits until the device printed both and the hub's delivery feedback arrived, and
 * exits 0. Run from the repository root: {@code mvn -q -pl demo -am compile exec:java}
 * (another address: {@code -Dexec.args=127.0.0.5}).
 */
public final class TutorialDemo {

    static final String DEVICE_ID = "myDevice";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private TutorialDemo() {
    }

    public static void main(String[] args) {
        QuietLogging.unlessConfigured(""); // only the demo's own lines: the hub's broker logs through JUL too
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int code = run(host, System.out, System.err);
        // The SDKs leave non-daemon threads behind; exit explicitly (also ends exec:java's JVM).
        System.exit(code);
    }

    /** Runs the whole tutorial against a fresh hub on {@code host}; returns the exit code. */
    public static int run(String host, PrintStream out, PrintStream err) {
        try (FakeIotHub hub = FakeIotHub.builder().host(host).start()) {
            out.println("Fake IoT hub listening on " + host + " (MQTT 8883, AMQPS 5671)");
            DeviceIdentity device = hub.devices().create(DEVICE_ID);
            out.println("Registered device '" + DEVICE_ID + "'");
            PrintStream deviceOut = LinePrefixStream.wrap(out, "[device]  ");
            PrintStream serviceOut = LinePrefixStream.wrap(out, "[service] ");

            // The device trusts the hub through an SSLContext, the service through PEM text: both routes
            // a user of a real private-CA hub would take.
            DeviceApp.Config deviceConfig = DeviceApp.Config.of(device.connectionString())
                    .withSslContext(hub.trust().sslContext()).withOutput(deviceOut);
            try (DeviceApp deviceApp = new DeviceApp(deviceConfig).start()) {
                deviceOut.println("Waiting for C2D messages");
                ServiceApp.Config serviceConfig = ServiceApp.Config.of(hub.serviceConnectionString(), DEVICE_ID)
                        .withTrustedCa(hub.trust().caPem()).withFeedbackTimeout(WAIT).withOutput(serviceOut);
                ServiceApp.Result result = new ServiceApp(serviceConfig).run();
                int expected = result.sentMessageIds().size();
                if (!deviceApp.awaitReceived(expected, WAIT)) {
                    err.println("error: the device printed " + deviceApp.receivedCount() + " of " + expected
                            + " messages within " + WAIT.toSeconds() + " s");
                    return 1;
                }
                if (!result.missingFeedback().isEmpty()) {
                    err.println("error: no delivery feedback within " + WAIT.toSeconds() + " s for "
                            + result.missingFeedback());
                    return 1;
                }
                out.println("Done: " + expected + " messages sent, printed by the device, and "
                        + result.feedback().size() + " delivery feedback records received:");
                result.feedback().forEach(f -> out.println("  " + f.originalMessageId() + " -> " + f.statusCode()
                        + " (device " + f.deviceId() + ", " + f.description() + ")"));
                return 0;
            }
        } catch (FakeIotHubException | DeviceAppException | ServiceAppException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 1;
        }
    }
}
