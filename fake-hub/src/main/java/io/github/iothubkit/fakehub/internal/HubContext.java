package io.github.iothubkit.fakehub.internal;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.c2d.CloudToDevice;
import io.github.iothubkit.fakehub.c2d.FeedbackJournal;
import io.github.iothubkit.fakehub.eventhub.EventHubEndpoint;
import io.github.iothubkit.fakehub.method.DirectMethods;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.telemetry.Telemetry;
import io.github.iothubkit.fakehub.tls.HubCertificates;
import io.github.iothubkit.fakehub.twin.Twins;
import java.time.Duration;

/**
 * Everything a protocol adapter (MQTT, AMQP, HTTPS) needs from the hub. Adapters translate between
 * their protocol and these components; they own no hub state themselves.
 *
 * @param host                 the loopback (or explicitly allowed) address every listener binds
 * @param feedbackBatchWindow  how long feedback waits for more records before a batch is sent
 * @param feedbackBatchSize    the most records in one feedback batch (IoT Hub: 64)
 * @param eventHub             the built-in Event Hubs-compatible endpoint (its AMQP nodes read it)
 */
public record HubContext(String host, DeviceRegistry registry, CloudToDevice cloudToDevice, FeedbackJournal feedback,
        Telemetry telemetry, HubClock clock, HubAuthenticator authenticator, HubCertificates certificates,
        Duration feedbackBatchWindow, int feedbackBatchSize, Twins twins, DirectMethods methods,
        EventHubEndpoint eventHub) {

    /** A context with twins, methods and a built-in Event Hubs endpoint (4 partitions, fed nothing) of its own, for adapters tested without a whole hub. */
    public HubContext(String host, DeviceRegistry registry, CloudToDevice cloudToDevice, FeedbackJournal feedback,
            Telemetry telemetry, HubClock clock, HubAuthenticator authenticator, HubCertificates certificates,
            Duration feedbackBatchWindow, int feedbackBatchSize) {
        this(host, registry, cloudToDevice, feedback, telemetry, clock, authenticator, certificates,
                feedbackBatchWindow, feedbackBatchSize, new Twins(registry, clock, id -> false),
                new DirectMethods(registry, clock), new EventHubEndpoint("fakehub", 4, clock, registry, Retention.DEFAULT));
    }
}
