package io.github.iothubkit.contract.target;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The default target: an in-process {@link FakeIotHub} on a free 127.0.1.x address (autoHost), with the
 * registry REST on 443 (for purge) and a manual clock, so expiry takes no time. Offline, no credentials.
 * The only class of the suite that touches the fake's API.
 */
public final class FakeHubUnderTest implements HubUnderTest {

    private final FakeIotHub hub;
    private final Trust trust;

    private FakeHubUnderTest(FakeIotHub hub) {
        this.hub = hub;
        // The CA as PEM, as a user of the standalone hub would get it: the same path as a real private CA.
        this.trust = Trust.fromPem(hub.trust().caPem());
    }

    /** Starts a fake hub on a free 127.0.1.x address; the registry REST is skipped where 443 cannot be bound. */
    public static FakeHubUnderTest start() {
        return new FakeHubUnderTest(FakeIotHub.builder().autoHost().httpsPort(443).httpsRequired(false)
                .clock(HubClock.manual()).start());
    }

    @Override
    public String hostName() {
        return hub.host();
    }

    @Override
    public String serviceConnectionString() {
        return hub.serviceConnectionString();
    }

    @Override
    public String eventHubsConnectionString() {
        return hub.eventHubsConnectionString();
    }

    @Override
    public SSLContext sslContext() {
        return trust.sslContext();
    }

    @Override
    public TrustManagerFactory trustManagerFactory() {
        return trust.trustManagerFactory();
    }

    @Override
    public TestDevice createDevice(String prefix) {
        DeviceIdentity d = hub.devices().create(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        return new TestDevice(d.deviceId(), d.connectionString(), d.primaryKey());
    }

    @Override
    public void deleteDevice(String deviceId) {
        hub.devices().delete(deviceId);
    }

    @Override
    public int purge(String deviceId) {
        if (hub.httpsPort() < 0) {
            throw new AssertionError("the fake hub could not bind the registry REST on " + hub.host() + ":443, so"
                    + " purge cannot be called the way an application calls it: run as root, give java"
                    + " CAP_NET_BIND_SERVICE, or lower net.ipv4.ip_unprivileged_port_start to 443");
        }
        return PurgeRequest.purge(serviceConnectionString(), sslContext(), deviceId);
    }

    /** The fake's feedback goes out 50 ms after the event; this only absorbs a slow CI machine. */
    @Override
    public Duration feedbackTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Duration deliveryTimeout() {
        return Duration.ofSeconds(15);
    }

    @Override
    public Duration connectionTimeout() {
        return Duration.ofSeconds(15);
    }

    @Override
    public Instant expiryFor(Duration ttl) {
        return hub.clock().now().plus(ttl);
    }

    /** Moves the manual clock past {@code expiry}; the hub expires what is due before this returns. */
    @Override
    public void awaitExpiry(Instant expiry) {
        Duration left = Duration.between(hub.clock().now(), expiry);
        if (!left.isNegative()) {
            hub.clock().advance(left.plusSeconds(1));
        }
    }

    @Override
    public void close() {
        hub.close();
    }

    @Override
    public String toString() {
        return "fake IoT hub on " + hub.host();
    }
}
