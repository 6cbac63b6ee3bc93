package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.Delivery;
import io.github.iothubkit.fakehub.c2d.DeviceLink;
import io.github.iothubkit.fakehub.fault.SdkFaultRequest;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.SharedVertx;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonSender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's links on one AMQP connection, as one device session: it is connected while any of its
 * links is open, and it is the device's C2D link while its {@code /messages/devicebound} receiver is
 * attached. Settlements map onto the C2D queue: Accepted completes, Rejected rejects, Released and
 * Modified abandon. Runs on the connection's context, except {@link #deliver} and {@link #close}.
 */
final class AmqpDeviceSession implements DeviceLink {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpDeviceSession.class);

    /** How long IoT Hub waits for a device to settle a C2D message before abandoning it. */
    static final Duration LOCK = Duration.ofMinutes(1);

    private final AmqpConnection connection;
    private final HubContext hub;
    private final AmqpDevices devices;
    private final String deviceId;
    private final TwinMethodLinks twinMethods;
    private int openLinks;
    private ProtonSender c2d;
    /** C2D settlements held while the hub's faults withhold acknowledgements, in arrival order. */
    private final List<Runnable> withheld = new ArrayList<>();

    AmqpDeviceSession(AmqpConnection connection, HubContext hub, AmqpDevices devices, String deviceId) {
        this.connection = connection;
        this.hub = hub;
        this.devices = devices;
        this.deviceId = deviceId;
        this.twinMethods = new TwinMethodLinks(connection, hub, this);
    }

    TwinMethodLinks twinMethods() {
        return twinMethods;
    }

    String deviceId() {
        return deviceId;
    }

    /** Before a device link opens; false (and the link is refused) if a fault refuses the connection. */
    boolean admit() {
        if (openLinks == 0) {
            var refusal = devices.faults().takeConnectRefusal(deviceId);
            if (refusal.isPresent()) {
                LOG.info("Refusing AMQP link of '{}': {} injected by hub.faults()", deviceId, refusal.get());
                return false;
            }
        }
        return true;
    }

    void linkOpened() {
        if (openLinks++ == 0) {
            devices.opened(this);
        }
    }

    void linkClosed() {
        if (--openLinks == 0) {
            devices.closed(this);
        }
    }

    void c2dAttached(ProtonSender link) {
        c2d = link;
        hub.cloudToDevice().attach(deviceId, this, true);
    }

    void c2dDetached() {
        c2d = null;
        hub.cloudToDevice().detach(deviceId, this);
    }

    /** Applies or holds the device's settlement of a C2D message, as the hub's faults say (as MQTT PUBACKs). */
    private void acknowledge(Runnable ack) {
        if (devices.faults().withholdsAcks(deviceId)) {
            withheld.add(ack);
        } else {
            ack.run();
        }
    }

    /** Any thread: applies the withheld acknowledgements on the connection's context. */
    void releaseWithheld() {
        connection.context().runOnContext(v -> {
            List<Runnable> released = new ArrayList<>(withheld);
            withheld.clear();
            released.forEach(Runnable::run);
        });
    }

    @Override
    public void deliver(Delivery delivery) {
        Duration delay = devices.faults().deliveryDelay(deviceId);
        if (delay.isZero()) {
            connection.context().runOnContext(v -> send(delivery));
        } else {
            connection.context().runOnContext(v -> SharedVertx.get().setTimer(Math.max(1, delay.toMillis()),
                    t -> connection.context().runOnContext(w -> send(delivery))));
        }
    }

    /** Any thread: ends the whole connection, as IoT Hub does when a device's session is taken over or dropped. */
    void close(String why) {
        LOG.info("Closing the AMQP connection of '{}': {}", deviceId, why);
        connection.close(AmqpNames.CONNECTION_FORCED, why);
    }

    /** IoT Hub's fault-injection telemetry (see {@link SdkFaultRequest}), after the delay it asks for. */
    void honour(SdkFaultRequest fault) {
        if (!fault.killsTcp() && !fault.breaksAmqp()) {
            LOG.info("Ignoring fault request {} of '{}': the fake hub does not simulate it on AMQP", fault.operation(),
                    deviceId);
            return;
        }
        connection.context().owner().setTimer(Math.max(1, fault.delay().toMillis()), t -> {
            if (fault.killsTcp()) {
                connection.disconnect();
            } else {
                connection.close(AmqpNames.CONNECTION_FORCED, "fault injected by the device: " + fault.operation()
                        + (fault.closeReason().isEmpty() ? "" : " (" + fault.closeReason() + ")"));
            }
        });
    }

    private void send(Delivery d) {
        ProtonSender link = c2d;
        if (link == null || !link.isOpen()) {
            return; // the queue took it back when the link went
        }
        long sequence = d.sequence();
        link.send(encode(d.message()), delivery -> settled(sequence, delivery));
        hub.cloudToDevice().lock(deviceId, sequence, LOCK);
    }

    private void settled(long sequence, ProtonDelivery delivery) {
        DeliveryState state = delivery.getRemoteState();
        if (state == null) {
            return;
        }
        acknowledge(() -> {
            if (state instanceof Accepted) {
                hub.cloudToDevice().complete(deviceId, sequence);
            } else if (state instanceof Rejected) {
                hub.cloudToDevice().reject(deviceId, sequence);
            } else if (state instanceof Released || state instanceof Modified) {
                hub.cloudToDevice().abandon(deviceId, sequence);
            } else {
                LOG.info("C2D message #{} of '{}' settled with {}; ignored", sequence, deviceId, state);
            }
        });
    }

    /** A C2D message as IoT Hub sends it to a device: a {@code Data} body (Java casts to it) and every property. */
    static Message encode(C2dMessage m) {
        Message message = Proton.message();
        message.setMessageId(m.messageId());
        message.setCorrelationId(m.correlationId());
        if (m.contentType() != null) {
            message.setContentType(m.contentType());
        }
        if (m.contentEncoding() != null) {
            message.setContentEncoding(m.contentEncoding());
        }
        if (m.userId() != null) {
            message.setUserId(m.userId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (m.expiryTime() != null) {
            message.setExpiryTime(m.expiryTime().toEpochMilli());
        }
        message.setBody(new Data(new Binary(m.body())));
        Map<String, Object> application = new HashMap<>(m.properties());
        message.setApplicationProperties(new ApplicationProperties(application));
        return message;
    }
}
