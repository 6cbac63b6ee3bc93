package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.eventhub.EventHubAccess;
import io.github.iothubkit.fakehub.eventhub.EventHubEndpoint;
import io.github.iothubkit.fakehub.eventhub.PartitionProperties;
import io.github.iothubkit.fakehub.eventhub.ReaderRefusedException;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

/**
 * {@code $management} of the built-in Event Hubs endpoint: READ of the entity ({@code com.microsoft:eventhub})
 * and of a partition ({@code com.microsoft:partition}). The token travels in each request
 * ({@code security_token}); a CBS grant for the entity is accepted too (the JS and Python clients put one).
 * Reply types are exact, as the Java client checks each value's class: {@code partition_ids} a string
 * array, times timestamps, sequence numbers longs, the offset a string, the status an int.
 */
final class EventHubManagementNode {

    private final AmqpConnection connection;
    private final EventHubEndpoint endpoint;
    private final Cbs cbs;
    private final String entityPath;
    private final List<ProtonSender> replyLinks = new ArrayList<>();

    EventHubManagementNode(AmqpConnection connection, EventHubEndpoint endpoint, Cbs cbs, String host) {
        this.connection = connection;
        this.endpoint = endpoint;
        this.cbs = cbs;
        this.entityPath = host + "/" + endpoint.entity();
    }

    void requests(ProtonReceiver link, Map<String, String> params) {
        link.setAutoAccept(false).handler((d, m) -> AmqpConnection.guard(d, () -> onRequest(d, m)));
        connection.open(link, null);
    }

    void replies(ProtonSender link, Map<String, String> params) {
        replyLinks.add(link);
        connection.open(link.setQoS(link.getRemoteQoS()), () -> replyLinks.remove(link));
    }

    private void onRequest(ProtonDelivery delivery, Message request) {
        AmqpConnection.settle(delivery, Accepted.getInstance());
        Map<?, ?> app = request.getApplicationProperties() == null ? Map.of()
                : request.getApplicationProperties().getValue();
        String operation = CbsNode.text(CbsNode.property(app, "operation"));
        String name = CbsNode.text(CbsNode.property(app, "name"));
        String type = CbsNode.text(CbsNode.property(app, "type"));
        String denied = authorize(CbsNode.text(CbsNode.property(app, "security_token")));
        if (denied != null) {
            reply(request, 401, "Unauthorized: " + denied, null);
        } else if (!"READ".equalsIgnoreCase(operation)) {
            reply(request, 400, "unsupported management operation '" + operation + "'; the fake knows READ", null);
        } else if (name == null || !name.equalsIgnoreCase(endpoint.entity())) {
            reply(request, 404, "The messaging entity '" + name + "' could not be found; this hub's is '"
                    + endpoint.entity() + "'", null);
        } else if ("com.microsoft:eventhub".equalsIgnoreCase(type)) {
            reply(request, 200, "OK", entity());
        } else if ("com.microsoft:partition".equalsIgnoreCase(type)) {
            String partition = CbsNode.text(CbsNode.property(app, "partition"));
            try {
                reply(request, 200, "OK", partition(endpoint.partitionProperties(partition)));
            } catch (ReaderRefusedException e) {
                reply(request, 404, e.getMessage(), null);
            }
        } else {
            reply(request, 400, "unknown management type '" + type + "'", null);
        }
    }

    /** Null when the request may read the entity, else why not. */
    private String authorize(String token) {
        if (cbs.eventHub(entityPath).isPresent()) {
            return null;
        }
        if (token == null) {
            return "no security_token in the request and no CBS token for the entity";
        }
        String resource;
        try {
            resource = Cbs.resourcePath(SasToken.parse(token).resource());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        EventHubAccess.Verdict verdict = cbs.eventHubAccess().check(token, resource, cbs.now());
        return verdict.accepted() ? null : verdict.reason();
    }

    private Map<String, Object> entity() {
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> ids = endpoint.partitionIds();
        body.put("name", endpoint.entity());
        body.put("type", "com.microsoft:eventhub");
        body.put("created_at", Date.from(endpoint.createdAt()));
        body.put("partition_count", ids.size());
        body.put("partition_ids", ids.toArray(String[]::new));
        return body;
    }

    private static Map<String, Object> partition(PartitionProperties p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", p.entity());
        body.put("type", "com.microsoft:partition");
        body.put("partition", p.partitionId());
        body.put("begin_sequence_number", p.beginSequenceNumber());
        body.put("last_enqueued_sequence_number", p.lastEnqueuedSequenceNumber());
        body.put("last_enqueued_offset", Long.toString(p.lastEnqueuedOffset()));
        body.put("last_enqueued_time_utc", Date.from(p.lastEnqueuedTime()));
        body.put("is_partition_empty", p.empty());
        return body;
    }

    private void reply(Message request, int status, String description, Map<String, Object> body) {
        ProtonSender link = replyLink(request.getReplyTo());
        if (link == null) {
            return; // no receiver from $management: the client gave up
        }
        Message reply = Message.Factory.create();
        reply.setCorrelationId(request.getCorrelationId() != null ? request.getCorrelationId() : request.getMessageId());
        if (request.getReplyTo() != null) {
            reply.setAddress(request.getReplyTo());
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("status-code", status);
        properties.put("status-description", description);
        reply.setApplicationProperties(new ApplicationProperties(properties));
        reply.setBody(new AmqpValue(body));
        link.send(reply, AmqpConnection::settleOnOutcome);
    }

    private ProtonSender replyLink(String replyTo) {
        for (ProtonSender s : replyLinks) {
            String target = s.getRemoteTarget() == null ? null : s.getRemoteTarget().getAddress();
            if (replyTo != null && replyTo.equals(target)) {
                return s;
            }
        }
        return replyLinks.isEmpty() ? null : replyLinks.get(replyLinks.size() - 1);
    }
}
