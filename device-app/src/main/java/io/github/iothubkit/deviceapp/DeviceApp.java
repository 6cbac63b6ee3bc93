package io.github.iothubkit.deviceapp;

import io.github.iothubkit.appsupport.ConnectionStrings;
import io.github.iothubkit.appsupport.TrustedCa;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The tutorial's simulated device (SimulatedDevice.py) on the Java device SDK over MQTT: connects,
 * prints every cloud-to-device message with all its properties, and completes it.
 *
 * <pre>{@code
 * try (DeviceApp app = new DeviceApp(DeviceApp.Config.of(connectionString).withSslContext(ctx)).start()) {
 *     app.awaitReceived(2, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class DeviceApp implements AutoCloseable {

    public static final String CONNECTION_STRING_VARIABLE = "IOTHUB_DEVICE_CONNECTION_STRING";
    public static final String TRUSTED_CA_VARIABLE = "IOTHUB_TRUSTED_CA_PEM";

    /** What the app needs: the device connection string, an optional trust context, where to print. */
    public record Config(String connectionString, SSLContext sslContext, PrintStream out) {

        public Config {
            Objects.requireNonNull(connectionString, "connectionString");
            Objects.requireNonNull(out, "out");
        }

        /** JVM default trust, printing to {@code System.out}. */
        public static Config of(String connectionString) {
            return new Config(connectionString, null, System.out);
        }

        /** Reads {@value #CONNECTION_STRING_VARIABLE} and, if set, {@value #TRUSTED_CA_VARIABLE} (a PEM file). */
        public static Config fromEnvironment(Map<String, String> env, PrintStream out) {
            String connectionString = env.get(CONNECTION_STRING_VARIABLE);
            if (connectionString == null || connectionString.isBlank()) {
                throw new DeviceAppException(DeviceAppException.Kind.CONFIGURATION, CONNECTION_STRING_VARIABLE
                        + " is not set: export the device connection string"
                        + " (HostName=<host>;DeviceId=<id>;SharedAccessKey=<key>)", null);
            }
            String ca = env.get(TRUSTED_CA_VARIABLE);
            SSLContext context = ca == null || ca.isBlank() ? null : trusted(ca);
            return new Config(connectionString.trim(), context, out);
        }

        public Config withSslContext(SSLContext context) {
            return new Config(connectionString, context, out);
        }

        /** PEM text or the path of a PEM file. */
        public Config withTrustedCa(String pemOrPath) {
            return withSslContext(trusted(pemOrPath));
        }

        public Config withOutput(PrintStream stream) {
            return new Config(connectionString, sslContext, stream);
        }
    }

    private final Config config;
    private final String hostName;
    private final String deviceId;
    private final Object lock = new Object();
    private DeviceClient client;
    private int received;
    private boolean closed;
    private DeviceAppException failure;

    public DeviceApp(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        String host = ConnectionStrings.attributeIgnoringCase(config.connectionString(), "HostName");
        String device = ConnectionStrings.attributeIgnoringCase(config.connectionString(), "DeviceId");
        this.hostName = host == null ? "?" : host;
        this.deviceId = device == null ? "?" : device;
    }

    /**
     * Connects (one attempt, so a wrong key or a dead host is reported at once instead of being retried
     * for the SDK's 4-minute operation timeout) and starts receiving.
     *
     * @throws DeviceAppException with a one-line message when the connection string is malformed, the
     *                            credentials are refused or the hub cannot be reached
     */
    public DeviceApp start() {
        ClientOptions.ClientOptionsBuilder options = ClientOptions.builder();
        if (config.sslContext() != null) {
            options.sslContext(config.sslContext());
        }
        DeviceClient created;
        try {
            created = new DeviceClient(config.connectionString(), IotHubClientProtocol.MQTT, options.build());
        } catch (IllegalArgumentException e) {
            throw DeviceFailures.malformedConnectionString(e);
        }
        // The callback must be set before open(): over MQTT a message that arrives without one is
        // dropped locally and never acknowledged.
        created.setMessageCallback((message, context) -> onMessage(message), null);
        created.setConnectionStatusChangeCallback(change -> {
            if (change.getNewStatus() == IotHubConnectionStatus.DISCONNECTED
                    && change.getNewStatusReason() != IotHubConnectionStatusChangeReason.CLIENT_CLOSE) {
                Throwable cause = change.getCause() != null ? change.getCause()
                        : new IllegalStateException("disconnected: " + change.getNewStatusReason());
                fail(DeviceFailures.classify(cause, hostName, deviceId));
            }
        }, null);
        synchronized (lock) {
            client = created;
        }
        try {
            created.open(false);
        } catch (IotHubClientException e) {
            synchronized (lock) {
                client = null;
            }
            created.close();
            throw DeviceFailures.classify(e, hostName, deviceId);
        }
        return this;
    }

    /** Prints the message and completes it; the SDK calls this on its receive thread. */
    private IotHubMessageResult onMessage(Message message) {
        int count;
        synchronized (lock) {
            count = ++received;
        }
        // One print call per message, so output from concurrent writers cannot interleave within it.
        config.out().print(MessagePrinter.format(message, count));
        config.out().flush();
        synchronized (lock) {
            lock.notifyAll();
        }
        return IotHubMessageResult.COMPLETE;
    }

    public int receivedCount() {
        synchronized (lock) {
            return received;
        }
    }

    /** Waits until at least {@code count} messages were printed; false on timeout or a lost connection. */
    public boolean awaitReceived(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (received < count && failure == null && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return received >= count;
        }
    }

    /** Blocks until {@link #close()} is called or the connection is lost for good. */
    public Optional<DeviceAppException> awaitStopped() throws InterruptedException {
        synchronized (lock) {
            while (!closed && failure == null) {
                lock.wait();
            }
            return Optional.ofNullable(failure);
        }
    }

    private void fail(DeviceAppException e) {
        synchronized (lock) {
            if (failure == null && !closed) {
                failure = e;
            }
            lock.notifyAll();
        }
    }

    /** Closes the client: sends DISCONNECT and stops the SDK's threads. Idempotent. */
    @Override
    public void close() {
        DeviceClient toClose;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = client;
            lock.notifyAll();
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** The CA as an SSLContext; a CA that cannot be read is a configuration error of the app. */
    static SSLContext trusted(String pemOrPath) {
        try {
            return TrustedCa.fromPemOrPath(pemOrPath);
        } catch (IllegalArgumentException e) {
            throw new DeviceAppException(DeviceAppException.Kind.CONFIGURATION, e.getMessage(), e);
        }
    }
}
