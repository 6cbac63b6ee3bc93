package io.github.iothubkit.contract.target;

import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The hub a contract test runs against: the in-process fake or a real IoT Hub. It offers only what both
 * can do through public surfaces, and it owns every wait, because the two differ by orders of magnitude
 * (the real hub batches feedback for 15 s and more, and expires nothing in under a minute). Tests never
 * use their own timeout constants: they ask the target.
 */
public interface HubUnderTest extends AutoCloseable {

    /** The {@code HostName} of every connection string; also the MQTT/AMQP/HTTPS host. */
    String hostName();

    /** An {@code iothubowner}-like connection string (registry read/write, service connect). */
    String serviceConnectionString();

    /**
     * The built-in Event Hubs-compatible endpoint's connection string
     * ({@code Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...;EntityPath=...}), for the
     * Event Hubs SDK. Its TLS trust is the JVM default: a test installs {@link #sslContext()} there if set.
     */
    String eventHubsConnectionString();

    /** What clients must trust; null means the JVM's default trust (a real hub with a public certificate). */
    SSLContext sslContext();

    /** The same trust for clients that take a factory (HiveMQ); null means the JVM's default trust. */
    TrustManagerFactory trustManagerFactory();

    /** Registers a device with SAS keys under a unique id that starts with {@code prefix}. */
    TestDevice createDevice(String prefix);

    /** Removes a device; a device that is already gone is not an error. */
    void deleteDevice(String deviceId);

    /**
     * Empties a device's C2D queue through the REST API ({@code DELETE /devices/{id}/commands}), as an
     * application would: the Java service SDK 2.1.9 has no purge call.
     *
     * @return {@code totalMessagesPurged} from the hub's answer
     */
    int purge(String deviceId);

    /** How long to wait for a feedback record after the event that causes it. */
    Duration feedbackTimeout();

    /** How long to wait for a C2D message to reach a connected device, including redelivery after a reconnect. */
    Duration deliveryTimeout();

    /** How long to wait for a connection-level reaction: a refused CONNECT, a closed connection. */
    Duration connectionTimeout();

    /**
     * The absolute expiry to put on a message that should expire "soon": {@code ttl} from the hub's now,
     * or the target's minimum if that is longer (a real hub expires nothing in under a minute).
     */
    Instant expiryFor(Duration ttl);

    /** Returns once the hub's time has passed {@code expiry}: moves a fake's clock, waits for a real hub. */
    void awaitExpiry(Instant expiry);

    /** Releases what the target holds (the fake's sockets, devices a failed test left behind). */
    @Override
    void close();
}
