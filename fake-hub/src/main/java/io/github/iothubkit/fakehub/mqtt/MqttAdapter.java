package io.github.iothubkit.fakehub.mqtt;

import io.github.iothubkit.fakehub.fault.Faults;
import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.ServerTls;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * IoT Hub's device MQTT surface on Moquette 0.17: TLS only, in-memory, no telemetry, with a
 * {@link DeviceChannel} in front of every connection. Also tracks which devices are connected and which
 * hold a persistent C2D subscription.
 */
public final class MqttAdapter implements Adapter {

    private final Server server = new Server();
    private final Map<String, DeviceChannel> connected = new ConcurrentHashMap<>();
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    /** The twin/method features of each device's persistent session (cleanSession=0), kept across its connections. */
    private final Map<String, Set<TwinMethodRouter.Feature>> features = new ConcurrentHashMap<>();
    /** The last C2D packet id per device, kept across its connections (see DeviceChannel#nextPacketId). */
    private final Map<String, AtomicInteger> packetIds = new ConcurrentHashMap<>();
    private final Faults faults;
    private volatile java.util.function.Consumer<String> onAttached = id -> { };
    private HubContext hub;
    private boolean started;

    /** An adapter that honours the hub's fault controls. */
    public MqttAdapter(Faults faults) {
        this.faults = faults;
        faults.onAcksReleased(deviceId -> {
            DeviceChannel channel = connected.get(deviceId);
            if (channel != null) {
                channel.releaseAcks();
            }
        });
    }

    Faults faults() {
        return faults;
    }

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
        config.setProperty("netty.mqtt.message_size", Integer.toString(DeviceChannel.MAX_TELEMETRY_BYTES + 64 * 1024));
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
        hub.registry().onChange(d -> {
            if (!d.isEnabled()) {
                disconnect(d.deviceId());
            }
        });
        hub.registry().onDelete(d -> {
            subscribed.remove(d.deviceId());
            features.remove(d.deviceId());
            packetIds.remove(d.deviceId());
            disconnect(d.deviceId());
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

    /** Closes the device's connection; false if it had none. */
    public boolean disconnect(String deviceId) {
        DeviceChannel channel = connected.get(deviceId);
        if (channel == null) {
            return false;
        }
        channel.close("closed by the hub");
        return true;
    }

    /**
     * Closes every device connection and waits (up to {@code timeout}) until the hub has processed each
     * close, so that nothing of those connections reaches the hub's state afterwards (used by reset).
     */
    public void disconnectAll(Duration timeout) {
        List<io.netty.channel.ChannelFuture> closing = new ArrayList<>();
        for (DeviceChannel channel : connected.values()) {
            closing.add(channel.close("closed by the hub's reset"));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (io.netty.channel.ChannelFuture f : closing) {
            long left = Math.max(1, deadline - System.nanoTime());
            f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
            // channelInactive runs as a later task on the same loop: a no-op task queued now runs after it
            f.channel().eventLoop().submit(() -> { }).awaitUninterruptibly(Math.max(1, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        }
    }

    public boolean isConnected(String deviceId) {
        DeviceChannel channel = connected.get(deviceId);
        return channel != null && channel.isActive();
    }

    /** Told the id of each device whose MQTT connection is accepted (to end its sessions on other transports). */
    public void onDeviceAttached(java.util.function.Consumer<String> listener) {
        this.onAttached = listener;
    }

    void attached(String deviceId, DeviceChannel channel) {
        connected.put(deviceId, channel);
        onAttached.accept(deviceId);
    }

    void detached(String deviceId, DeviceChannel channel) {
        connected.remove(deviceId, channel);
    }

    /** The device's next C2D packet id, 1..65535, continuing where its previous connection stopped. */
    int nextPacketId(String deviceId) {
        return packetIds.computeIfAbsent(deviceId, d -> new AtomicInteger()).updateAndGet(i -> i >= 0xFFFF ? 1 : i + 1);
    }

    void rememberSubscription(String deviceId) {
        subscribed.add(deviceId);
    }

    void forgetSubscription(String deviceId) {
        subscribed.remove(deviceId);
    }

    void rememberFeature(String deviceId, TwinMethodRouter.Feature feature) {
        features.computeIfAbsent(deviceId, d -> ConcurrentHashMap.newKeySet()).add(feature);
    }

    void forgetFeature(String deviceId, TwinMethodRouter.Feature feature) {
        Set<TwinMethodRouter.Feature> set = features.get(deviceId);
        if (set != null) {
            set.remove(feature);
        }
    }

    void forgetFeatures(String deviceId) {
        features.remove(deviceId);
    }

    Set<TwinMethodRouter.Feature> features(String deviceId) {
        return Set.copyOf(features.getOrDefault(deviceId, Set.of()));
    }

    boolean hasSubscription(String deviceId) {
        return subscribed.contains(deviceId);
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
