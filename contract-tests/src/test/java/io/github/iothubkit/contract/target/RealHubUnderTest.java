package io.github.iothubkit.contract.target;

import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubkit.appsupport.ConnectionStrings;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real IoT Hub (or anything that claims to be one, such as the standalone fake): devices are created and
 * deleted with the real {@link RegistryClient}, and every wait is long enough for Azure. Configured only by
 * the environment an application would have: {@value #CONNECTION_STRING} and optionally {@value #TRUSTED_CA}.
 */
public final class RealHubUnderTest implements HubUnderTest {

    public static final String CONNECTION_STRING = "IOTHUB_CONNECTION_STRING";
    public static final String TRUSTED_CA = "IOTHUB_TRUSTED_CA_PEM";
    /** The built-in endpoint's connection string (portal: IoT hub > Built-in endpoints), for the Event Hubs test. */
    public static final String EVENTHUB_CONNECTION_STRING = "EVENTHUB_CONNECTION_STRING";
    /** IoT Hub expires nothing sooner: its TTL settings start at one minute. */
    static final Duration MIN_TTL = Duration.ofMinutes(1);

    private final String connectionString;
    private final String hostName;
    private final Trust trust;
    private final RegistryClient registry;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private String eventHubsConnectionString;

    private RealHubUnderTest(String connectionString, Trust trust) {
        this.connectionString = connectionString;
        this.hostName = ConnectionStrings.attribute(connectionString, "HostName");
        this.trust = trust;
        if (trust != null) {
            // RegistryClient has no trust option: it uses HttpsURLConnection's process-wide default.
            HttpsURLConnection.setDefaultSSLSocketFactory(trust.sslContext().getSocketFactory());
        }
        this.registry = new RegistryClient(connectionString);
    }

    /** Reads the environment; fails at once, saying what to set, when the connection string is missing. */
    public static RealHubUnderTest fromEnvironment(Map<String, String> env) {
        String cs = env.get(CONNECTION_STRING);
        if (cs == null || cs.isBlank()) {
            throw new IllegalStateException("-Preal-hub needs " + CONNECTION_STRING + ": export the connection string"
                    + " of the hub's iothubowner policy (Azure portal > IoT hub > Shared access policies > iothubowner,"
                    + " or: az iot hub connection-string show -n <hub> --policy-name iothubowner -o tsv); set "
                    + TRUSTED_CA + " to a PEM file as well if the hub's certificate is not publicly trusted."
                    + " Without -Preal-hub the suite runs against the in-process fake.");
        }
        cs = cs.trim();
        if (ConnectionStrings.attribute(cs, "HostName") == null || ConnectionStrings.attribute(cs, "SharedAccessKeyName") == null) {
            throw new IllegalStateException(CONNECTION_STRING + " is not a service connection string: expected"
                    + " HostName=<hub>.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=<key>");
        }
        String ca = env.get(TRUSTED_CA);
        RealHubUnderTest hub = new RealHubUnderTest(cs, ca == null || ca.isBlank() ? null : Trust.fromPem(ca));
        hub.eventHubsConnectionString = env.get(EVENTHUB_CONNECTION_STRING);
        return hub;
    }

    @Override
    public String hostName() {
        return hostName;
    }

    @Override
    public String serviceConnectionString() {
        return connectionString;
    }

    @Override
    public String eventHubsConnectionString() {
        if (eventHubsConnectionString == null || eventHubsConnectionString.isBlank()) {
            throw new IllegalStateException("the Event Hubs test needs " + EVENTHUB_CONNECTION_STRING + ": export the"
                    + " hub's built-in endpoint connection string (portal: IoT hub > Hub settings > Built-in endpoints >"
                    + " Event Hub-compatible endpoint, or: az iot hub connection-string show -n <hub> --default-eventhub"
                    + " -o tsv)");
        }
        return eventHubsConnectionString.trim();
    }

    @Override
    public SSLContext sslContext() {
        return trust == null ? null : trust.sslContext();
    }

    @Override
    public TrustManagerFactory trustManagerFactory() {
        return trust == null ? null : trust.trustManagerFactory();
    }

    @Override
    public TestDevice createDevice(String prefix) {
        // Unique per run, so that parallel runs against one hub and leftovers of a killed run never collide.
        String id = "contract-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
        try {
            Device device = registry.addDevice(new Device(id, AuthenticationType.SAS));
            created.add(id);
            return new TestDevice(id, "HostName=" + hostName + ";DeviceId=" + id + ";SharedAccessKey="
                    + device.getPrimaryKey(), device.getPrimaryKey());
        } catch (IOException | IotHubException e) {
            throw new IllegalStateException("could not create device '" + id + "' on " + hostName + ": " + e, e);
        }
    }

    @Override
    public void deleteDevice(String deviceId) {
        try {
            registry.removeDevice(deviceId);
        } catch (IotHubNotFoundException alreadyGone) {
            // deleted by the test itself
        } catch (IOException | IotHubException e) {
            throw new IllegalStateException("could not delete device '" + deviceId + "' on " + hostName
                    + ": delete it by hand (az iot hub device-identity delete -n <hub> -d " + deviceId + ")", e);
        }
        created.remove(deviceId);
    }

    @Override
    public int purge(String deviceId) {
        return PurgeRequest.purge(connectionString, sslContext(), deviceId);
    }

    /** The real hub sends feedback in batches of 64 records or after 15 s, and often later than that. */
    @Override
    public Duration feedbackTimeout() {
        return Duration.ofSeconds(90);
    }

    /** Covers a redelivery that waits out the one-minute message lock. */
    @Override
    public Duration deliveryTimeout() {
        return Duration.ofSeconds(120);
    }

    @Override
    public Duration connectionTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public Instant expiryFor(Duration ttl) {
        return Instant.now().plus(ttl.compareTo(MIN_TTL) < 0 ? MIN_TTL : ttl);
    }

    /** Waits for real: the hub's clock is the wall clock, observed here with a margin for clock skew. */
    @Override
    public void awaitExpiry(Instant expiry) {
        Instant passed = expiry.plusSeconds(3);
        await("the hub's clock to pass " + expiry)
                .atMost(Duration.between(Instant.now(), passed).plusSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Instant.now().isAfter(passed));
    }

    /** Deletes what a test left behind (each test deletes its own devices; this covers a crash in between). */
    @Override
    public void close() {
        for (String id : Set.copyOf(created)) {
            try {
                deleteDevice(id);
            } catch (RuntimeException e) {
                System.err.println("contract-tests: " + e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "real IoT hub " + hostName;
    }
}
