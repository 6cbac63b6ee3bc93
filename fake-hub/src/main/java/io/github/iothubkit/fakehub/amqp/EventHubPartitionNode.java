package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.eventhub.EventHubEndpoint;
import io.github.iothubkit.fakehub.eventhub.EventPosition;
import io.github.iothubkit.fakehub.eventhub.EventReader;
import io.github.iothubkit.fakehub.eventhub.HubEvent;
import io.github.iothubkit.fakehub.eventhub.ReaderRefusedException;
import io.github.iothubkit.fakehub.internal.PercentDecoding;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.message.Message;

/**
 * {@code {entity}/ConsumerGroups/{group}/Partitions/{partition}}: an Event Hubs receiver. The start comes
 * from the source's selector filter ({@code amqp.annotation.x-opt-offset > '-1'} and the like), an epoch
 * from the link property {@code com.microsoft:epoch}. Events go out within the client's credit; each
 * carries the annotations the Java client requires, with their exact types (offset a string, sequence
 * number a long, enqueued time a timestamp), and IoT Hub's system properties.
 */
final class EventHubPartitionNode {

    static final String ROUTE = "/{entity}/ConsumerGroups/{group}/Partitions/{partition}";
    private static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");
    private static final Pattern FILTER = Pattern.compile(
            "\\s*amqp\\.annotation\\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\\s*(>=?)\\s*'([^']*)'\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final int BATCH = 64;
    private static final String STOLEN = "amqp:link:stolen";

    private final AmqpConnection connection;
    private final EventHubEndpoint endpoint;
    /** This connection's open receivers; used on the connection's context only. */
    private final Map<ProtonSender, EventReader> readers = new LinkedHashMap<>();

    EventHubPartitionNode(AmqpConnection connection, EventHubEndpoint endpoint) {
        this.connection = connection;
        this.endpoint = endpoint;
    }

    /** Attach needs a CBS grant that covers the partition's path (or the entity's). */
    static NodeTable.Access access(String host) {
        return (grants, params) -> grants.eventHub(host + "/" + params.get("entity") + "/ConsumerGroups/"
                + decoded(params.get("group")) + "/Partitions/" + params.get("partition")).isPresent();
    }

    void attach(ProtonSender link, Map<String, String> params) {
        if (!endpoint.entity().equalsIgnoreCase(params.get("entity"))) {
            AmqpConnection.refuse(link, AmqpNames.NOT_FOUND, "The messaging entity '" + params.get("entity")
                    + "' could not be found; this hub's is '" + endpoint.entity() + "'");
            return;
        }
        EventPosition start;
        try {
            start = position(link.getRemoteSource());
        } catch (IllegalArgumentException e) {
            AmqpConnection.refuse(link, AmqpNames.INVALID_FIELD, e.getMessage());
            return;
        }
        Object epoch = link.getRemoteProperties() == null ? null : link.getRemoteProperties().get(EPOCH);
        EventReader reader;
        try {
            reader = endpoint.open(decoded(params.get("group")), params.get("partition"), start,
                    epoch instanceof Number n ? n.longValue() : null,
                    () -> connection.context().runOnContext(v -> pump(link, null)),
                    reason -> connection.context().runOnContext(v -> stolen(link, reason)));
        } catch (ReaderRefusedException e) {
            AmqpConnection.refuse(link, switch (e.reason()) {
                case NOT_FOUND -> AmqpNames.NOT_FOUND;
                case EPOCH_TAKEN -> STOLEN;
                case TOO_MANY_READERS -> AmqpNames.RESOURCE_LIMIT_EXCEEDED;
            }, e.getMessage());
            return;
        }
        link.setQoS(link.getRemoteQoS());
        link.sendQueueDrainHandler(s -> pump(link, reader));
        readers.put(link, reader);
        connection.open(link, () -> {
            readers.remove(link);
            reader.close();
        });
        pump(link, reader);
    }

    private void pump(ProtonSender link, EventReader known) {
        EventReader reader = known != null ? known : readers.get(link);
        if (reader == null || !link.isOpen()) {
            return;
        }
        while (!link.sendQueueFull()) {
            List<HubEvent> events = reader.take(Math.min(BATCH, Math.max(1, link.getCredit())));
            if (events.isEmpty()) {
                return;
            }
            for (HubEvent e : events) {
                link.send(message(e), AmqpConnection::settleOnOutcome);
            }
        }
    }

    private void stolen(ProtonSender link, String reason) {
        readers.remove(link);
        if (link.isOpen()) {
            link.setCondition(AmqpNames.condition(STOLEN, reason));
            link.close();
        }
    }

    static EventPosition position(org.apache.qpid.proton.amqp.transport.Source terminus) {
        Map<Symbol, Object> filters = terminus instanceof Source source && source.getFilter() != null
                ? source.getFilter() : Map.of();
        for (Object value : filters.values()) {
            Object described = value instanceof DescribedType d ? d.getDescribed() : value;
            if (described instanceof String expression) {
                return parse(expression);
            }
        }
        return EventPosition.EARLIEST; // no filter: the whole stream
    }

    static EventPosition parse(String expression) {
        Matcher m = FILTER.matcher(expression);
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported selector filter '" + expression + "'");
        }
        String name = m.group(1).toLowerCase(java.util.Locale.ROOT);
        boolean inclusive = m.group(2).length() == 2;
        String value = m.group(3).strip();
        try {
            return switch (name) {
                case "x-opt-offset" -> "@latest".equalsIgnoreCase(value) ? EventPosition.LATEST
                        : EventPosition.fromOffset(Long.parseLong(value), inclusive);
                case "x-opt-sequence-number" -> EventPosition.fromSequenceNumber(Long.parseLong(value), inclusive);
                default -> EventPosition.fromEnqueuedTime(Instant.ofEpochMilli(Long.parseLong(value)), inclusive);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("selector filter '" + expression + "' has no number in its quotes");
        }
    }

    static Message message(HubEvent e) {
        Message m = Message.Factory.create();
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(Symbol.valueOf("x-opt-offset"), Long.toString(e.offset()));
        annotations.put(Symbol.valueOf("x-opt-sequence-number"), e.sequenceNumber());
        annotations.put(Symbol.valueOf("x-opt-enqueued-time"), Date.from(e.enqueuedTime()));
        annotations.put(Symbol.valueOf("iothub-connection-device-id"), e.deviceId());
        annotations.put(Symbol.valueOf("iothub-connection-auth-method"), e.authMethod());
        annotations.put(Symbol.valueOf("iothub-connection-auth-generation-id"), e.generationId());
        annotations.put(Symbol.valueOf("iothub-enqueuedtime"), Date.from(e.enqueuedTime()));
        annotations.put(Symbol.valueOf("iothub-message-source"), "Telemetry");
        if (e.subject() != null) {
            annotations.put(Symbol.valueOf("dt-subject"), e.subject());
        }
        m.setMessageAnnotations(new MessageAnnotations(annotations));
        if (e.messageId() != null) {
            m.setMessageId(e.messageId());
        }
        if (e.correlationId() != null) {
            m.setCorrelationId(e.correlationId());
        }
        if (e.userId() != null) {
            m.setUserId(e.userId().getBytes(StandardCharsets.UTF_8));
        }
        if (e.contentType() != null) {
            m.setContentType(e.contentType());
        }
        if (e.contentEncoding() != null) {
            m.setContentEncoding(e.contentEncoding());
        }
        Map<String, Object> app = new LinkedHashMap<>();
        e.properties().forEach((k, v) -> {
            if (!k.toLowerCase(java.util.Locale.ROOT).startsWith("iothub-connection-")) { // the hub stamps those
                app.put(k, v);
            }
        });
        m.setApplicationProperties(new ApplicationProperties(app));
        m.setBody(new Data(new Binary(e.body())));
        return m;
    }

    private static String decoded(String segment) {
        String d = segment == null ? null : PercentDecoding.decodeOrNull(segment);
        return d == null ? segment : d;
    }
}
