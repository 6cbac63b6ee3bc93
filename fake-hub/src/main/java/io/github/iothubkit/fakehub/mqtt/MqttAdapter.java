package io.github.iothubkit.fakehub.mqtt;

import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.session.DeviceSessions;
import io.github.iothubkit.fakehub.telemetry.TelemetryIntake;
import io.github.iothubkit.fakehub.internal.ServerTls;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * IoT Hub's device MQTT surface on Moquette 0.17: TLS only, in-memory, no telemetry, with a
 * {@link DeviceChannel} in front of every connection. Who is connected and subscribed is the hub's
 * {@code DeviceSessions}' record, which every channel reports to; this adapter only keeps MQTT framing
 * state (each device's next C2D packet id).
 */
public final class MqttAdapter implements Adapter {

    private final Server server = new Server();
    /** The last C2D packet id per device, kept across its connections (see DeviceChannel#nextPacketId). */
    private final Map<String, AtomicInteger> packetIds = new ConcurrentHashMap<>();
    private HubContext hub;
    private boolean started;

    @Override
    public int start(HubContext hub, int port) throws Exception {
        this.hub = hub;
        Properties config = new Properties();
        config.setProperty("host", hub.host());
        config.setProperty("port", "disabled");
        config.setProperty("ssl_port", Integer.toString(port));
        config.setProperty("persistence_enabled", "false");
        config.setProperty("telemetry_enabled", "false");
        config.setProperty("allow_anonymous", "false");
        config.setProperty("netty.mqtt.message_size", Integer.toString(TelemetryIntake.MAX_MESSAGE_BYTES + 64 * 1024));
        try {
            server.startServer(new MemoryConfig(config), List.of(), this::sslContext, new SecondLineAuthenticator(),
                    new SecondLinePolicy());
            started = true;
        } catch (RuntimeException e) {
            started = true; // Moquette's threads exist even after a failed start: stop them
            close();
            throw e.getCause() instanceof BindException bind ? bind : e;
        }
        MoquetteHooks.installPerConnectionHandler(server, () -> new DeviceChannel(hub, this));
        hub.sessions().listen(new DeviceSessions.Listener() {
            @Override
            public void forgotten(String deviceId) {
                packetIds.remove(deviceId);
            }
        });
        return boundPort(port);
    }

    private io.netty.handler.ssl.SslContext sslContext() {
        return ServerTls.netty(hub.certificates());
    }

    /** Moquette records an ephemeral port asynchronously after bind: wait for it briefly. */
    private int boundPort(int requested) {
        if (requested != 0) {
            return requested;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.getSslPort() == 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        return server.getSslPort();
    }

    /** The device's next C2D packet id, 1..65535, continuing where its previous connection stopped. */
    int nextPacketId(String deviceId) {
        return packetIds.computeIfAbsent(deviceId, d -> new AtomicInteger()).updateAndGet(i -> i >= 0xFFFF ? 1 : i + 1);
    }

    @Override
    public void close() {
        if (!started) {
            return;
        }
        started = false;
        try {
            MoquetteHooks.shutDownEventLoopsNow(server);
        } finally {
            server.stopServer();
        }
    }

    /** Moquette's own check, behind {@link DeviceChannel}'s: nothing unauthenticated gets a session. */
    private final class SecondLineAuthenticator implements IAuthenticator {
        @Override
        public boolean checkValid(String clientId, String username, byte[] password) {
            return password != null && hub.authenticator()
                    .authenticateDevice(clientId, new String(password, StandardCharsets.UTF_8)).accepted();
        }
    }

    /** Moquette's own topic check, behind {@link DeviceChannel}'s. */
    private static final class SecondLinePolicy implements IAuthorizatorPolicy {
        @Override
        public boolean canWrite(Topic topic, String user, String client) {
            return false; // telemetry never reaches Moquette: DeviceChannel takes it
        }

        @Override
        public boolean canRead(Topic topic, String user, String client) {
            return new TopicPolicy(client).maySubscribe(topic.toString());
        }
    }
}
