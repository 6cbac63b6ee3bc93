package io.github.iothubkit.fakehub.internal;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.c2d.CloudToDevice;
import io.github.iothubkit.fakehub.c2d.CloudToDeviceSpi;
import io.github.iothubkit.fakehub.c2d.FeedbackOutbox;
import io.github.iothubkit.fakehub.c2d.FeedbackJournal;
import io.github.iothubkit.fakehub.fault.FaultRules;
import io.github.iothubkit.fakehub.eventhub.EventHubEndpoint;
import io.github.iothubkit.fakehub.method.DirectMethods;
import io.github.iothubkit.fakehub.method.DirectMethodsSpi;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.registry.RegistryEvents;
import io.github.iothubkit.fakehub.session.DeviceSessions;
import io.github.iothubkit.fakehub.session.Drop;
import io.github.iothubkit.fakehub.telemetry.Telemetry;
import io.github.iothubkit.fakehub.telemetry.TelemetryIntake;
import io.github.iothubkit.fakehub.tls.HubCertificates;
import io.github.iothubkit.fakehub.twin.Twins;
import io.github.iothubkit.fakehub.twin.TwinsSpi;
import java.time.Duration;

/**
 * Everything a protocol adapter (MQTT, AMQP, HTTPS) needs from the hub. Adapters translate between
 * their protocol and these components; they own no hub state themselves. A device transport reports its
 * sessions to {@code sessions}, asks {@code faultRules} about connects and acks, and hands telemetry to
 * {@code telemetryIntake}.
 *
 * @param host                 the loopback (or explicitly allowed) address every listener binds
 * @param feedbackBatchWindow  how long feedback waits for more records before a batch is sent
 * @param feedbackBatchSize    the most records in one feedback batch (IoT Hub: 64)
 * @param eventHub             the built-in Event Hubs-compatible endpoint (its AMQP nodes read it)
 */
public record HubContext(String host, DeviceRegistry registry, CloudToDevice cloudToDevice, FeedbackJournal feedback,
        Telemetry telemetry, HubClock clock, HubAuthenticator authenticator, HubCertificates certificates,
        Duration feedbackBatchWindow, int feedbackBatchSize, DeviceSessions sessions, FaultRules faultRules,
        TelemetryIntake telemetryIntake, Twins twins, DirectMethods methods, EventHubEndpoint eventHub) {

    /**
     * The owners of one hub, wired to each other: a device disabled or deleted loses its session, a
     * deleted device its queue, twin and pending method calls; accepted telemetry feeds the Event Hubs endpoint.
     */
    public static HubContext create(String host, HubClock clock, CloudToDevice.Limits limits, Retention retention,
            HubCertificates certificates, Duration feedbackBatchWindow, String eventHubEntity, int eventHubPartitions) {
        RegistryEvents events = new RegistryEvents();
        DeviceRegistry registry = new DeviceRegistry(host, events);
        FeedbackJournal feedback = new FeedbackJournal(clock, retention);
        DeviceSessions sessions = new DeviceSessions();
        FaultRules faultRules = new FaultRules(sessions);
        CloudToDevice cloudToDevice = new CloudToDevice(registry, clock, limits, feedback, retention, sessions,
                faultRules);
        Telemetry telemetry = new Telemetry(clock, retention);
        EventHubEndpoint eventHub = new EventHubEndpoint(eventHubEntity, eventHubPartitions, clock, registry, retention);
        telemetry.onAccepted(eventHub::enqueue);
        Twins twins = new Twins(registry, clock, sessions::isConnected);
        DirectMethods methods = new DirectMethods(registry, clock);
        events.onChange(d -> {
            if (!d.isEnabled()) {
                sessions.drop(d.deviceId(), Drop.CLEAN, "the device was disabled");
            }
        });
        events.onDelete(d -> {
            CloudToDeviceSpi.of(cloudToDevice).deviceDeleted(d.deviceId());
            TwinsSpi.of(twins).deviceDeleted(d.deviceId());
            DirectMethodsSpi.of(methods).deviceDeleted(d.deviceId());
            sessions.forget(d.deviceId());
        });
        return new HubContext(host, registry, cloudToDevice, feedback, telemetry, clock,
                new HubAuthenticator(host, registry), certificates, feedbackBatchWindow, 64, sessions, faultRules,
                new TelemetryIntake(telemetry, faultRules), twins, methods, eventHub);
    }

    /** Expires what is due by the hub's clock: C2D messages and direct-method calls (timer and clock moves). */
    public void expireDue() {
        cloudToDeviceSpi().expireDue();
        DirectMethodsSpi.of(methods).expireDue();
    }

    /** Acks, expiry and deletes for the C2D queues. */
    public CloudToDeviceSpi cloudToDeviceSpi() {
        return CloudToDeviceSpi.of(cloudToDevice);
    }

    /** The feedback not yet taken by a receiver. */
    public FeedbackOutbox feedbackOutbox() {
        return FeedbackOutbox.of(feedback);
    }

    /**
     * A context whose sessions, fault rules, twins, methods and Event Hubs endpoint (4 partitions, fed nothing)
     * are its own, for adapters tested without a whole hub.
     */
    public HubContext(String host, DeviceRegistry registry, CloudToDevice cloudToDevice, FeedbackJournal feedback,
            Telemetry telemetry, HubClock clock, HubAuthenticator authenticator, HubCertificates certificates,
            Duration feedbackBatchWindow, int feedbackBatchSize) {
        this(host, registry, cloudToDevice, feedback, telemetry, clock, authenticator, certificates,
                feedbackBatchWindow, feedbackBatchSize, new DeviceSessions(), new FaultRules(new DeviceSessions()),
                new TelemetryIntake(telemetry, new FaultRules(new DeviceSessions())), new Twins(registry, clock, id -> false),
                new DirectMethods(registry, clock), new EventHubEndpoint("fakehub", 4, clock, registry, Retention.DEFAULT));
    }
}
