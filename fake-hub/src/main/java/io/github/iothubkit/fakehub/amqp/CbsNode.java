package io.github.iothubkit.fakehub.amqp;

import io.vertx.proton.ProtonDelivery;
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
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code $cbs} node of one connection: put-token requests arrive on the client's sender, replies go
 * out on the client's {@code $cbs} receiver. The SDKs build requests differently, so this reads them
 * liberally: property keys and values as string, symbol or binary (pyamqp), the token as an AmqpValue
 * string or binary or a Data section, reply-to present (Java, Node, Event Hubs) or absent (uamqp).
 * The reply echoes the id in the request's own AMQP type (Java uuid, Node string, uamqp ulong).
 */
final class CbsNode {

    private static final Logger LOG = LoggerFactory.getLogger(CbsNode.class);

    private final AmqpConnection connection;
    private final Cbs cbs;
    private final List<ProtonSender> replyLinks = new ArrayList<>();

    CbsNode(AmqpConnection connection, Cbs cbs) {
        this.connection = connection;
        this.cbs = cbs;
    }

    /** The client's request sender. */
    void requests(ProtonReceiver link, Map<String, String> params) {
        link.setAutoAccept(false).handler((d, m) -> AmqpConnection.guard(d, () -> onRequest(link, d, m)));
        connection.open(link, null);
    }

    /** The client's reply receiver; credit may come before or after the request (Event Hubs grants 1 per request). */
    void replies(ProtonSender link, Map<String, String> params) {
        replyLinks.add(link);
        connection.open(link.setQoS(link.getRemoteQoS()), () -> replyLinks.remove(link));
    }

    private void onRequest(ProtonReceiver link, ProtonDelivery delivery, Message request) {
        Map<?, ?> app = request.getApplicationProperties() == null ? Map.of()
                : request.getApplicationProperties().getValue();
        // type and expiration are not needed: the token names its audience and expiry itself
        Cbs.Outcome outcome = cbs.putToken(text(property(app, "operation")), text(property(app, "name")),
                text(body(request.getBody())));
        AmqpConnection.settle(delivery, Accepted.getInstance());
        reply(request, link.getSession(), outcome);
    }

    private void reply(Message request, ProtonSession session, Cbs.Outcome outcome) {
        ProtonSender replyLink = replyLink(request.getReplyTo(), session);
        if (replyLink == null) {
            LOG.warn("CBS reply {} dropped: the client attached no receiver from $cbs", outcome.status());
            return;
        }
        Message reply = Message.Factory.create();
        // AMQP management: the request's correlation-id if it has one, else its message-id; same AMQP type
        reply.setCorrelationId(request.getCorrelationId() != null ? request.getCorrelationId() : request.getMessageId());
        if (request.getReplyTo() != null) {
            reply.setAddress(request.getReplyTo());
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("status-code", outcome.status()); // an AMQP int: Java ignores a long, uamqp needs an int
        properties.put("status-description", outcome.description());
        reply.setApplicationProperties(new ApplicationProperties(properties));
        replyLink.send(reply, AmqpConnection::settleOnOutcome);
    }

    /** The link named by reply-to (as its target or source address), else a $cbs link, same session first. */
    private ProtonSender replyLink(String replyTo, ProtonSession session) {
        ProtonSender sameSession = null;
        for (ProtonSender s : replyLinks) {
            String source = s.getRemoteSource() == null ? null : s.getRemoteSource().getAddress();
            String target = s.getRemoteTarget() == null ? null : s.getRemoteTarget().getAddress();
            if (replyTo != null && (replyTo.equals(target) || replyTo.equals(source))) {
                return s;
            }
            if (sameSession == null && s.getSession() == session) {
                sameSession = s;
            }
        }
        return sameSession != null ? sameSession : replyLinks.isEmpty() ? null : replyLinks.get(0);
    }

    /** An application property by name, whatever the key's AMQP type (string, symbol, binary) and case. */
    static Object property(Map<?, ?> app, String name) {
        for (Map.Entry<?, ?> e : app.entrySet()) {
            if (name.equalsIgnoreCase(text(e.getKey()))) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Object body(Section body) {
        return body instanceof AmqpValue v ? v.getValue() : body instanceof Data d ? d.getValue() : null;
    }

    /** A string, symbol or UTF-8 binary as text; anything else (or nothing) as null. */
    static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof org.apache.qpid.proton.amqp.Symbol s) {
            return s.toString();
        }
        if (value instanceof Binary b) {
            return C2dDecoder.utf8(b);
        }
        return null;
    }
}
