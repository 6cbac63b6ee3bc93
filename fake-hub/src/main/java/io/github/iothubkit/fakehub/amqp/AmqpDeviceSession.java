package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.Delivery;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.session.DeviceLink;
import io.github.iothubkit.fakehub.session.Drop;
import io.github.iothubkit.fakehub.session.Feature;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * One device's links on one AMQP connection, as one device session reported to {@code DeviceSessions}: it
 * opens with its first device link, holds the C2D feature while its {@code /messages/devicebound} receiver is
 * attached, and closes with its last link. Settlements map onto the C2D queue (through the fault rules, which
 * may withhold them): Accepted completes, Rejected rejects, Released and Modified abandon. Runs on the
 * connection's context, except {@link #deliver}, {@link #close} and {@link #isOpen}.
 */
final class AmqpDeviceSession implements DeviceLink {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpDeviceSession.class);
    /** How long IoT Hub waits for a device to settle a C2D message before abandoning it. */
    static final Duration LOCK = Duration.ofMinutes(1);

    private final AmqpConnection connection;
    private final HubContext hub;
    private final String deviceId;
    private final TwinMethodLinks twinMethods;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private int openLinks;
    private volatile boolean open;
    private ProtonSender c2d;

    AmqpDeviceSession(AmqpConnection connection, HubContext hub, String deviceId) {
        this.connection = connection;
        this.hub = hub;
        this.deviceId = deviceId;
        this.twinMethods = new TwinMethodLinks(connection, hub, this);
    }

    TwinMethodLinks twinMethods() {
        return twinMethods;
    }

    @Override
    public String deviceId() {
        return deviceId;
    }

    @Override
    public String transport() {
        return "AMQP";
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Before a device link opens; false (and the link is refused) if a fault refuses the connection. */
    boolean admit() {
        if (openLinks == 0) {
            var refusal = hub.faultRules().admit(deviceId);
            if (refusal.isPresent()) {
                LOG.info("Refusing AMQP link of '{}': {} injected by hub.faults()", deviceId, refusal.get());
                return false;
            }
        }
        return true;
    }

    void linkOpened() {
        if (openLinks++ == 0) {
            open = true;
            hub.sessions().opened(this, false, false);
        }
    }

    void linkClosed() {
        if (--openLinks == 0) {
            open = false;
            hub.sessions().closed(this);
            closed.complete(null);
        }
    }

    void c2dAttached(ProtonSender link) {
        c2d = link;
        hub.sessions().subscribed(this, Feature.C2D);
    }

    void c2dDetached() {
        c2d = null;
        hub.sessions().unsubscribed(this, Feature.C2D);
    }

    @Override
    public void deliver(Delivery delivery) {
        Duration delay = delivery.delay();
        if (delay == null || delay.isZero()) {
            connection.context().runOnContext(v -> send(delivery));
        } else {
            connection.context().runOnContext(v -> connection.context().owner().setTimer(
                    Math.max(1, delay.toMillis()), t -> send(delivery)));
        }
    }

    @Override
    public void desiredPatch(int version, String patchJson) {
        connection.context().runOnContext(v -> twinMethods.sendDesired(version, patchJson));
    }

    @Override
    public void methodRequest(String requestId, String methodName, String payloadJson) {
        connection.context().runOnContext(v -> twinMethods.sendMethod(requestId, methodName, payloadJson));
    }

    /**
     * Ends the whole connection, as IoT Hub does when a device's session is taken over or dropped: CLEAN with
     * an AMQP close ({@code amqp:connection:forced}), ABRUPT as a cut connection.
     */
    @Override
    public CompletionStage<Void> close(Drop how, String why) {
        LOG.info("Closing the AMQP connection of '{}': {}", deviceId, why);
        if (how == Drop.ABRUPT) {
            connection.disconnect();
        } else {
            connection.close(AmqpNames.CONNECTION_FORCED, why);
        }
        return closed;
    }

    private void send(Delivery d) {
        ProtonSender link = c2d;
        if (link == null || !link.isOpen()) {
            return; // the queue took it back when the link went
        }
        long sequence = d.sequence();
        link.send(encode(d.message()), delivery -> settled(sequence, delivery));
        hub.cloudToDeviceSpi().lock(deviceId, sequence, LOCK);
    }

    private void settled(long sequence, ProtonDelivery delivery) {
        DeliveryState state = delivery.getRemoteState();
        if (state == null) {
            return;
        }
        var c2dSpi = hub.cloudToDeviceSpi();
        hub.faultRules().acknowledge(this, () -> {
            if (state instanceof Accepted) {
                c2dSpi.complete(deviceId, sequence);
            } else if (state instanceof Rejected) {
                c2dSpi.reject(deviceId, sequence);
            } else if (state instanceof Released || state instanceof Modified) {
                c2dSpi.abandon(deviceId, sequence);
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
            message.setUserId(m.userId().getBytes(StandardCharsets.UTF_8));
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
