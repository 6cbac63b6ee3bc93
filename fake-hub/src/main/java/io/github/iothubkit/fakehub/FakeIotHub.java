package io.github.iothubkit.fakehub;

import io.github.iothubkit.fakehub.amqp.AmqpAdapter;
import io.github.iothubkit.fakehub.c2d.CloudToDevice;
import io.github.iothubkit.fakehub.c2d.FeedbackJournal;
import io.github.iothubkit.fakehub.eventhub.EventHubEndpoint;
import io.github.iothubkit.fakehub.fault.Faults;
import io.github.iothubkit.fakehub.http.RegistryHttpAdapter;
import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.HubInternals;
import io.github.iothubkit.fakehub.internal.Retention;
import io.github.iothubkit.fakehub.method.DirectMethods;
import io.github.iothubkit.fakehub.mqtt.MqttAdapter;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.session.Drop;
import io.github.iothubkit.fakehub.telemetry.Telemetry;
import io.github.iothubkit.fakehub.tls.HubCertificates;
import io.github.iothubkit.fakehub.tls.HubTrust;
import io.github.iothubkit.fakehub.twin.Twins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process fake Azure IoT Hub: MQTT/TLS for devices (8883), AMQPS for the service SDK (5671) and,
 * when asked for, the registry REST subset over HTTPS (443). The real Azure SDKs connect to it unchanged.
 *
 * <pre>{@code
 * try (FakeIotHub hub = FakeIotHub.builder().start()) {
 *     DeviceIdentity dev = hub.devices().create("dev1");
 *     // DeviceClient(dev.connectionString(), MQTT, ClientOptions.builder().sslContext(hub.trust().sslContext()).build())
 *     hub.cloudToDevice().send("dev1", C2dMessage.of("hello").messageId("m1"));
 *     hub.cloudToDevice().awaitOutcome("m1", C2dOutcome.COMPLETED, Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class FakeIotHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FakeIotHub.class);
    /** The built-in endpoint's Event Hub-compatible name ({@code EntityPath}). */
    private static final String EVENT_HUB_ENTITY = "fakehub";

    private final Builder settings;
    private final HubClock clock;
    /** The hub's owners (registry, C2D, telemetry, sessions, faults, ...); this class is their facade. */
    private final HubContext context;
    private final List<Adapter> adapters = new ArrayList<>();
    private final ScheduledExecutorService timer;
    private final Runnable expiry;
    private int mqttsPort;
    private int amqpsPort;
    private int httpsPort = -1;
    private volatile boolean closed;

    private FakeIotHub(Builder settings) {
        this.settings = settings;
        this.clock = settings.clock;
        this.context = HubContext.create(settings.host, clock,
                CloudToDevice.Limits.IOT_HUB.withMaxInFlight(settings.maxInFlight), settings.retention,
                HubCertificates.generate(settings.host), settings.feedbackBatchWindow, EVENT_HUB_ENTITY,
                settings.eventHubPartitions);
        HubInternals.register(this, context);
        this.expiry = context::expireDue;
        clock.onChange(expiry);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fake-iot-hub-timer-" + settings.host);
            t.setDaemon(true);
            return t;
        });
    }

    /** A builder with IoT Hub's fixed ports on 127.0.0.1. */
    public static Builder builder() {
        return new Builder();
    }

    private FakeIotHub startAdapters(CompletableFuture<Void> vertx) {
        MqttAdapter mqtt = new MqttAdapter();
        AmqpAdapter amqp = new AmqpAdapter();
        adapters.add(mqtt);
        adapters.add(amqp); // before either starts: close() stops them in reverse, however far each got
        try {
            StartLanes.run(vertx, () -> amqpsPort = startAdapter(amqp, settings.amqpPort, "AMQP"),
                    () -> mqttsPort = startAdapter(mqtt, settings.mqttPort, "MQTT"));
            startRegistry(); // its WebSocket relays need both ports
            timer.scheduleWithFixedDelay(expiry, 100, 100, TimeUnit.MILLISECONDS);
            LOG.info("Fake IoT Hub on {}: MQTT/TLS {}, AMQPS {}", settings.host, mqttsPort, amqpsPort);
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void startRegistry() {
        if (settings.httpsPort < 0) {
            return;
        }
        RegistryHttpAdapter https = Listeners.frontDoor(context, mqttsPort, amqpsPort);
        adapters.add(https);
        try {
            httpsPort = startAdapter(https, settings.httpsPort, "HTTPS registry");
        } catch (FakeIotHubException e) {
            if (settings.httpsRequired) {
                throw e;
            }
            adapters.remove(https);
            https.close();
            LOG.warn("Registry REST is off: port {} cannot be bound on {} ({}); MQTT and AMQP work without it",
                    settings.httpsPort, settings.host, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
    }

    private int startAdapter(Adapter adapter, int port, String protocol) {
        return Listeners.start(adapter, context, port, protocol);
    }

    /** The address the hub listens on; also the {@code HostName} in its connection strings. */
    public String host() {
        return settings.host;
    }

    public int mqttsPort() {
        return mqttsPort;
    }

    public int amqpsPort() {
        return amqpsPort;
    }

    /** The registry REST port, or -1 when the hub serves no REST. */
    public int httpsPort() {
        return httpsPort;
    }

    /** The connection string of the {@code iothubowner} policy, for the service SDK. */
    public String serviceConnectionString() {
        return context.authenticator().serviceConnectionString("iothubowner");
    }

    /** The connection string of another policy: {@code service}, {@code registryReadWrite}, ... */
    public String serviceConnectionString(String policyName) {
        return context.authenticator().serviceConnectionString(policyName);
    }

    public DeviceRegistry devices() {
        return context.registry();
    }

    public CloudToDevice cloudToDevice() {
        return context.cloudToDevice();
    }

    public FeedbackJournal feedback() {
        return context.feedback();
    }

    public Telemetry telemetry() {
        return context.telemetry();
    }

    /** The built-in Event Hubs-compatible endpoint: partitions, consumer groups, the events they hold. */
    public EventHubEndpoint eventHub() {
        return context.eventHub();
    }

    /**
     * The built-in endpoint's connection string for the Event Hubs SDKs ({@code iothubowner}'s key,
     * AMQPS on this host). The Java client trusts only the JVM default: {@code SSLContext.setDefault(trust().sslContext())}.
     */
    public String eventHubsConnectionString() {
        String port = amqpsPort == 5671 ? "" : ":" + amqpsPort;
        return "Endpoint=sb://" + settings.host + port + "/;SharedAccessKeyName=iothubowner;SharedAccessKey="
                + context.authenticator().policy("iothubowner").orElseThrow().primaryKey() + ";EntityPath=" + EVENT_HUB_ENTITY;
    }

    /** Device twins: read one, patch desired properties as the service would, await reported properties. */
    public Twins twins() {
        return context.twins();
    }

    /** Direct methods: invoke one as the service would, simulate a device's answers, see what was invoked. */
    public DirectMethods methods() {
        return context.methods();
    }

    public HubTrust trust() {
        return context.certificates().trust();
    }

    public HubClock clock() {
        return clock;
    }

    /** Fault controls: refuse connects, withhold acks, delay delivery, fail sends, drop connections. */
    public Faults faults() {
        return context.faultRules().faults();
    }

    /** Closes the device's connection now (any transport), as a network drop would; queued messages stay queued. */
    public boolean disconnect(String deviceId) {
        return context.sessions().drop(deviceId, Drop.CLEAN, "closed by the hub");
    }

    /**
     * Makes the hub as good as new between tests, without rebinding its ports (about a millisecond where
     * a restart takes far longer): clears every fault, closes every device connection and waits until
     * the hub has processed the closes, deletes every device with its queue, forgets all C2D messages,
     * telemetry and feedback (journal and outbox), twins and method invocations, and sets a manual clock back
     * to its start. Service
     * (AMQP) connections stay open; a feedback batch they hold unsettled may come back after a reset.
     */
    public void reset() {
        faults().clear();
        context.sessions().dropAll(Duration.ofSeconds(5), "closed by the hub's reset");
        devices().clear();
        cloudToDevice().reset();
        feedback().reset();
        telemetry().reset();
        eventHub().reset();
        twins().reset();
        methods().reset();
        clock.reset();
    }

    /** Whether the device has a live connection (any transport). */
    public boolean isConnected(String deviceId) {
        return context.sessions().isConnected(deviceId);
    }

    /** Stops every listener and closes every connection; fast (no 2-second broker grace period). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        clock.removeListener(expiry);
        timer.shutdownNow();
        for (int i = adapters.size() - 1; i >= 0; i--) {
            adapters.get(i).close();
        }
    }

    @Override
    public String toString() {
        return "FakeIotHub{" + settings.host + ", mqtts=" + mqttsPort + ", amqps=" + amqpsPort + "}";
    }

    /** How to build a hub. Every setting has IoT Hub's value as its default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int mqttPort = 8883;
        private int amqpPort = 5671;
        private int httpsPort = -1;
        private boolean httpsRequired = true;
        private HubClock clock = HubClock.system();
        private Duration feedbackBatchWindow = Duration.ofMillis(50);
        private int maxInFlight = CloudToDevice.Limits.IOT_HUB.maxInFlight();
        private int eventHubPartitions = 4;
        private Retention retention = Retention.DEFAULT;
        private boolean allowNonLoopback;
        private boolean autoHost;

        private Builder() {
        }

        /**
         * Picks a free loopback address in 127.0.1.1-127.0.1.254 at start, where the hub's ports are not
         * taken, so that parallel test classes, Surefire forks and CI jobs never collide on 8883/5671.
         * {@link FakeIotHub#host()} tells which one it got. Overrides {@link #host}.
         */
        public Builder autoHost() {
            this.autoHost = true;
            return this;
        }

        /** The address to bind, a loopback one by default: {@code 127.0.0.N} lets several hubs run at once. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            this.autoHost = false;
            return this;
        }

        /** The MQTT/TLS port. The Azure SDKs only use 8883; 0 picks a free one (raw MQTT clients only). */
        public Builder mqttPort(int port) {
            this.mqttPort = port;
            return this;
        }

        /** The AMQPS port. The Azure SDKs only use 5671; 0 picks a free one. */
        public Builder amqpPort(int port) {
            this.amqpPort = port;
            return this;
        }

        /**
         * Serves the registry REST subset on this port (the service SDK's RegistryClient only uses 443;
         * 0 picks a free one). Off by default.
         */
        public Builder httpsPort(int port) {
            this.httpsPort = port;
            return this;
        }

        /** If false, a registry port that cannot be bound is logged and skipped instead of failing start. */
        public Builder httpsRequired(boolean required) {
            this.httpsRequired = required;
            return this;
        }

        /** The hub's clock; {@link HubClock#manual()} lets a test move time. */
        public Builder clock(HubClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long feedback waits for more records before a batch goes out. The real hub waits up to
         * 15 seconds or 64 records; the default here is 50 ms so that tests stay fast.
         */
        public Builder feedbackBatchWindow(Duration window) {
            this.feedbackBatchWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /** How many unacknowledged messages one device may hold at once (default 10). */
        public Builder maxInFlight(int messages) {
            if (messages < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1");
            }
            this.maxInFlight = messages;
            return this;
        }

        /** How many finished C2D messages, feedback records and telemetry messages are kept (default 100,000). */
        public Builder historyLimit(int items) {
            this.retention = retention.withMaxCount(items);
            return this;
        }

        /** Also drops those finished longer than {@code age} ago by the hub's clock (default: no age limit). */
        public Builder historyMaxAge(Duration age) {
            this.retention = retention.withMaxAge(Objects.requireNonNull(age, "age"));
            return this;
        }

        /** Partitions of the built-in Event Hubs endpoint (default 4, like a new IoT Hub; 1 to 32). */
        public Builder eventHubPartitions(int partitions) {
            if (partitions < 1 || partitions > 32) {
                throw new IllegalArgumentException("partitions must be 1 to 32, not " + partitions);
            }
            this.eventHubPartitions = partitions;
            return this;
        }

        /** Allows a non-loopback {@link #host}: the hub is then reachable from the network. */
        public Builder allowNonLoopback(boolean allow) {
            this.allowNonLoopback = allow;
            return this;
        }

        /** Starts the hub. */
        public FakeIotHub start() {
            if (autoHost) {
                return LoopbackHosts.start(this, this::startOn);
            }
            LoopbackHosts.check(host, allowNonLoopback);
            CompletableFuture<Void> vertx = StartLanes.prepareVertx();
            return new FakeIotHub(copy()).startAdapters(vertx);
        }

        private FakeIotHub startOn(String candidate) {
            Builder b = copy();
            b.host = candidate;
            return new FakeIotHub(b).startAdapters(StartLanes.prepareVertx());
        }

        /**
         * The ports an address must have free to be picked by {@link #autoHost}. An optional registry port
         * ({@code httpsRequired(false)}) is left out: start goes on without REST where it cannot be bound, so
         * it must not rule out an address (443 cannot be bound anywhere by a non-root user).
         */
        int[] ports() {
            return httpsPort > 0 && httpsRequired ? new int[] {mqttPort, amqpPort, httpsPort}
                    : new int[] {mqttPort, amqpPort};
        }

        private Builder copy() {
            Builder b = new Builder();
            b.host = host;
            b.mqttPort = mqttPort;
            b.amqpPort = amqpPort;
            b.httpsPort = httpsPort;
            b.httpsRequired = httpsRequired;
            b.clock = clock;
            b.feedbackBatchWindow = feedbackBatchWindow;
            b.maxInFlight = maxInFlight;
            b.retention = retention;
            b.eventHubPartitions = eventHubPartitions;
            b.allowNonLoopback = allowNonLoopback;
            return b;
        }
    }
}
