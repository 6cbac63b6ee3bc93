package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.auth.Permission;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.c2d.DeviceNotFoundException;
import io.github.iothubkit.fakehub.c2d.MessageTooLargeException;
import io.github.iothubkit.fakehub.c2d.QueueFullException;
import io.github.iothubkit.fakehub.c2d.ThrottledException;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.vertx.core.Context;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import io.vertx.proton.ProtonSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service-client connection: routes link attaches by address ({@code $cbs}, the C2D sender, the
 * feedback receiver), and keeps whether a CBS put-token succeeded. Every method runs on the
 * connection's Vert.x context, so the state needs no locks.
 */
final class AmqpConnection {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);

    private final HubContext hub;
    private final ProtonConnection connection;
    private final Context context;
    private final FeedbackDispatcher feedback;
    private final Runnable onGone;
    private final List<ProtonSender> cbsReplyLinks = new ArrayList<>();
    private final List<FeedbackDispatcher.Link> feedbackLinks = new ArrayList<>();
    /** Set by the first successful put-token; never revoked, as the service SDK never renews its token. */
    private boolean authorized;
    private boolean gone;

    AmqpConnection(HubContext hub, ProtonConnection connection, Context context, FeedbackDispatcher feedback,
            Runnable onGone) {
        this.hub = hub;
        this.connection = connection;
        this.context = context;
        this.feedback = feedback;
        this.onGone = onGone;
    }

    void start() {
        connection.openHandler(opened -> connection.setContainer("fake-iot-hub").open());
        connection.closeHandler(closed -> {
            connection.close();
            gone();
        });
        connection.disconnectHandler(c -> gone());
        connection.sessionOpenHandler(this::onSessionOpen);
        connection.receiverOpenHandler(this::onReceiverOpen);
        connection.senderOpenHandler(this::onSenderOpen);
    }

    /** Any thread: drops the connection (the hub is closing). */
    void disconnect() {
        context.runOnContext(v -> connection.disconnect());
    }

    private void onSessionOpen(ProtonSession session) {
        session.closeHandler(closed -> {
            session.close();
            sessionEnded(session); // ending a session ends its links without a detach of their own
        });
        session.open();
    }

    private void sessionEnded(ProtonSession session) {
        cbsReplyLinks.removeIf(link -> link.getSession() == session);
        for (FeedbackDispatcher.Link link : new ArrayList<>(feedbackLinks)) {
            if (link.sender().getSession() == session) {
                feedbackLinks.remove(link);
                link.closed();
            }
        }
    }

    // ---- the client's senders: our receivers ------------------------------------------------------

    private void onReceiverOpen(ProtonReceiver link) {
        String address = link.getRemoteTarget() == null ? null : link.getRemoteTarget().getAddress();
        if (AmqpNames.sameAddress(address, AmqpNames.CBS)) {
            open(link.setAutoAccept(false).handler((d, m) -> guard(d, () -> onCbsRequest(link, d, m))), null);
        } else if (AmqpNames.sameAddress(address, AmqpNames.DEVICEBOUND)) {
            if (!authorized) {
                refuse(link, AmqpNames.UNAUTHORIZED, "put a SAS token on $cbs before attaching to " + address);
                return;
            }
            // prefetch (Vert.x default 1000) grants credit and tops it up as messages arrive
            open(link.setAutoAccept(false).handler((d, m) -> guard(d, () -> onCloudToDevice(d, m))), null);
        } else {
            refuse(link, AmqpNames.NOT_FOUND, "the fake hub has no node '" + address + "' to send to");
        }
    }

    private void onCbsRequest(ProtonReceiver link, ProtonDelivery delivery, Message request) {
        Map<?, ?> app = request.getApplicationProperties() == null ? Map.of()
                : request.getApplicationProperties().getValue();
        Object operation = app.get("operation");
        String token = tokenText(request.getBody());
        int status;
        String description;
        if (!"put-token".equalsIgnoreCase(String.valueOf(operation))) {
            status = 400;
            description = "unsupported CBS operation '" + operation + "'; the fake hub only knows put-token";
        } else if (token == null) {
            status = 400;
            description = "put-token needs the SAS token as the body (an AmqpValue string)";
        } else {
            HubAuthenticator.Result result = hub.authenticator().authenticateService(token, Permission.SERVICE_CONNECT);
            if (result.accepted()) {
                authorized = true;
                status = 200;
                description = "OK";
                LOG.debug("CBS put-token accepted for policy '{}' on {}", result.identity(), hub.host());
            } else {
                status = 401;
                description = "Unauthorized: " + result.reason(); // reasons never quote the signature
                LOG.info("CBS put-token refused on {}: {}", hub.host(), result.reason());
            }
        }
        settle(delivery, Accepted.getInstance());
        reply(request, link.getSession(), status, description);
    }

    private static String tokenText(Section body) {
        Object value = body instanceof AmqpValue v ? v.getValue() : body instanceof Data d ? d.getValue() : null;
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Binary b) {
            return C2dDecoder.utf8(b);
        }
        return null;
    }

    private void reply(Message request, ProtonSession session, int status, String description) {
        ProtonSender replyLink = replyLink(request.getReplyTo(), session);
        if (replyLink == null) {
            LOG.warn("CBS reply {} dropped: the client attached no receiver from $cbs", status);
            return;
        }
        Message reply = Message.Factory.create();
        reply.setCorrelationId(request.getMessageId()); // same AMQP type: the SDK casts it to UUID
        if (request.getReplyTo() != null) {
            reply.setAddress(request.getReplyTo());
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("status-code", status); // an AMQP int: the SDK ignores a long or a string
        properties.put("status-description", description);
        reply.setApplicationProperties(new ApplicationProperties(properties));
        replyLink.send(reply);
    }

    /** The link named by reply-to (as its source or target address), else a $cbs link, same session first. */
    private ProtonSender replyLink(String replyTo, ProtonSession session) {
        ProtonSender sameSession = null;
        for (ProtonSender s : cbsReplyLinks) {
            String source = s.getRemoteSource() == null ? null : s.getRemoteSource().getAddress();
            String target = s.getRemoteTarget() == null ? null : s.getRemoteTarget().getAddress();
            if (replyTo != null && (replyTo.equals(target) || replyTo.equals(source))) {
                return s;
            }
            if (sameSession == null && s.getSession() == session) {
                sameSession = s;
            }
        }
        return sameSession != null ? sameSession : cbsReplyLinks.isEmpty() ? null : cbsReplyLinks.get(0);
    }

    private void onCloudToDevice(ProtonDelivery delivery, Message message) {
        DeliveryState outcome;
        try {
            C2dDecoder.Decoded decoded = C2dDecoder.decode(message, hub.registry(), hub.clock().now());
            C2dRecord record = hub.cloudToDevice().send(decoded.deviceId(), decoded.message());
            LOG.debug("C2D message '{}' queued for '{}'", record.messageId(), decoded.deviceId());
            outcome = Accepted.getInstance();
        } catch (C2dDecoder.Rejection e) {
            outcome = AmqpNames.rejected(e.condition, e.getMessage());
        } catch (DeviceNotFoundException e) {
            outcome = AmqpNames.rejected(AmqpNames.NOT_FOUND, e.getMessage());
        } catch (QueueFullException e) {
            outcome = AmqpNames.rejected(AmqpNames.RESOURCE_LIMIT_EXCEEDED, e.getMessage());
        } catch (MessageTooLargeException e) {
            outcome = AmqpNames.rejected(AmqpNames.MESSAGE_SIZE_EXCEEDED, e.getMessage());
        } catch (ThrottledException e) {
            outcome = AmqpNames.rejected(AmqpNames.THROTTLED, e.getMessage());
        }
        settle(delivery, outcome);
    }

    // ---- the client's receivers: our senders ------------------------------------------------------

    private void onSenderOpen(ProtonSender link) {
        String address = link.getRemoteSource() == null ? null : link.getRemoteSource().getAddress();
        if (AmqpNames.sameAddress(address, AmqpNames.CBS)) {
            cbsReplyLinks.add(link);
            open(link.setQoS(link.getRemoteQoS()), () -> cbsReplyLinks.remove(link));
        } else if (AmqpNames.sameAddress(address, AmqpNames.FEEDBACK)) {
            if (!authorized) {
                refuse(link, AmqpNames.UNAUTHORIZED, "put a SAS token on $cbs before attaching to " + address);
                return;
            }
            FeedbackDispatcher.Link[] registered = new FeedbackDispatcher.Link[1];
            open(link.setQoS(link.getRemoteQoS()), () -> {
                feedbackLinks.remove(registered[0]);
                registered[0].closed();
            });
            registered[0] = feedback.attach(link, context);
            feedbackLinks.add(registered[0]);
        } else {
            refuse(link, AmqpNames.NOT_FOUND, "the fake hub has no node '" + address + "' to receive from");
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    /** Echoes the client's terminus, opens, and answers a detach or close in kind. */
    private <T extends ProtonLink<T>> void open(T link, Runnable onEnd) {
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        boolean[] ended = {false};
        Runnable end = () -> {
            if (!ended[0]) {
                ended[0] = true;
                if (onEnd != null) {
                    onEnd.run();
                }
            }
        };
        link.closeHandler(closed -> {
            link.close();
            end.run();
        });
        link.detachHandler(detached -> {
            link.detach();
            end.run();
        });
        link.open();
    }

    /** Attach (with no terminus, as AMQP asks of a refusal) then detach with the error at once. */
    private static <T extends ProtonLink<T>> void refuse(T link, String condition, String description) {
        LOG.info("Refused link '{}': {} {}", link.getName(), condition, description);
        if (link instanceof ProtonReceiver receiver) {
            receiver.setPrefetch(0);
            link.setSource(link.getRemoteSource());
        } else {
            link.setTarget(link.getRemoteTarget());
        }
        link.setCondition(AmqpNames.condition(condition, description));
        link.closeHandler(closed -> link.free());
        link.open();
        link.close();
    }

    private static void settle(ProtonDelivery delivery, DeliveryState outcome) {
        if (delivery.remotelySettled()) {
            delivery.settle(); // the sender pre-settled: it wants no outcome, just free the delivery
        } else {
            delivery.disposition(outcome, true);
        }
    }

    /** A bug of ours must cost one message, never the connection. */
    private static void guard(ProtonDelivery delivery, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("Failed to handle an AMQP message; rejecting it", e);
            if (!delivery.isSettled()) {
                settle(delivery, AmqpNames.rejected(AmqpNames.INTERNAL_ERROR, "fake hub error: " + e));
            }
        }
    }

    private void gone() {
        if (gone) {
            return;
        }
        gone = true;
        for (FeedbackDispatcher.Link link : new ArrayList<>(feedbackLinks)) {
            link.closed();
        }
        feedbackLinks.clear();
        cbsReplyLinks.clear();
        onGone.run();
    }
}
