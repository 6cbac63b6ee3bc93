package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.session.Feature;
import io.github.iothubkit.fakehub.twin.TwinException;
import io.vertx.core.json.JsonObject;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's twin ({@code /devices/{id}/twin}) and method ({@code /devices/{id}/methods/devicebound}) link
 * pairs on an AMQP connection, translated to the {@code twin/} and {@code method/} owners (wire contract 2,
 * section D). Requests are settled Accepted at once (Java holds its twin requests until the subscription PUT
 * is settled); answers echo the request's correlation-id with its AMQP type. Runs on the connection's context.
 */
final class TwinMethodLinks {

    private static final Logger LOG = LoggerFactory.getLogger(TwinMethodLinks.class);
    private static final Symbol OPERATION = Symbol.valueOf("operation");
    private static final Symbol RESOURCE = Symbol.valueOf("resource");
    private static final Symbol VERSION = Symbol.valueOf("version");
    private static final Symbol STATUS = Symbol.valueOf("status");
    private static final String DESIRED = "/notifications/twin/properties/desired";

    private final AmqpConnection connection;
    private final HubContext hub;
    private final AmqpDeviceSession session;
    private ProtonSender twinOut;
    private ProtonSender methodsOut;
    /** The hub's method request ids by the UUID sent as correlation-id (Java replies with UUID.fromString). */
    private final Map<UUID, String> methodRequests = new HashMap<>();

    TwinMethodLinks(AmqpConnection connection, HubContext hub, AmqpDeviceSession session) {
        this.connection = connection;
        this.hub = hub;
        this.session = session;
    }

    /** The device's twin sender: GET, reported PATCH, desired subscription PUT and DELETE. */
    void twinRequests(ProtonReceiver link) {
        link.setAutoAccept(false).handler((d, m) -> AmqpConnection.guard(d, () -> onTwinRequest(d, m)));
        open(link, () -> { });
    }

    /** The device's twin receiver: responses and desired patches. */
    void twinResponses(ProtonSender link) {
        twinOut = link;
        open(link, () -> {
            twinOut = null;
            unsubscribeDesired();
        });
    }

    /** The device's method sender: responses to invocations. */
    void methodResponses(ProtonReceiver link) {
        link.setAutoAccept(false).handler((d, m) -> AmqpConnection.guard(d, () -> onMethodResponse(d, m)));
        open(link, () -> { });
    }

    /** The device's method receiver: attaching it subscribes the device to methods. */
    void methodRequests(ProtonSender link) {
        methodsOut = link;
        open(link, () -> {
            methodsOut = null;
            methodRequests.clear();
            hub.sessions().unsubscribed(session, Feature.METHODS);
        });
        hub.sessions().subscribed(session, Feature.METHODS); // the method owner pushes through the session
    }

    private void unsubscribeDesired() {
        hub.sessions().unsubscribed(session, Feature.TWIN_DESIRED);
    }

    private <T extends io.vertx.proton.ProtonLink<T>> void open(T link, Runnable onEnd) {
        connection.open(link, () -> {
            onEnd.run();
            session.linkClosed();
        });
        session.linkOpened();
    }

    private void onTwinRequest(ProtonDelivery delivery, Message request) {
        AmqpConnection.settle(delivery, Accepted.getInstance());
        Map<Symbol, Object> annotations = request.getMessageAnnotations() == null ? Map.of()
                : request.getMessageAnnotations().getValue();
        String operation = text(annotations.get(OPERATION));
        String resource = text(annotations.get(RESOURCE));
        Object correlation = request.getCorrelationId();
        try {
            if ("GET".equalsIgnoreCase(operation)) {
                answer(correlation, 200, null, hub.twins().deviceView(session.deviceId()));
            } else if ("PATCH".equalsIgnoreCase(operation) && resource != null
                    && resource.equalsIgnoreCase("/properties/reported")) {
                // IoT Hub ignores the device's version on AMQP (wire contract 2, D1)
                int version = hub.twins().patchReported(session.deviceId(), body(request), null);
                answer(correlation, 204, version, null);
            } else if ("PUT".equalsIgnoreCase(operation) && DESIRED.equalsIgnoreCase(resource)) {
                hub.sessions().subscribed(session, Feature.TWIN_DESIRED); // the twin owner pushes through the session
                answer(correlation, 200, null, null);
            } else if ("DELETE".equalsIgnoreCase(operation) && DESIRED.equalsIgnoreCase(resource)) {
                unsubscribeDesired();
                answer(correlation, 200, null, null);
            } else {
                answer(correlation, 400, null, error(400004, "The fake IoT Hub serves no twin operation "
                        + operation + " " + resource));
            }
        } catch (TwinException e) {
            answer(correlation, e.status(), null, error(e.errorCode(), e.getMessage()));
        }
    }

    private void onMethodResponse(ProtonDelivery delivery, Message response) {
        AmqpConnection.settle(delivery, Accepted.getInstance());
        Object correlation = response.getCorrelationId();
        String rid = correlation == null ? null : methodRequests.remove(uuid(correlation));
        Object status = response.getApplicationProperties() == null ? null
                : response.getApplicationProperties().getValue().get("IoThub-status");
        if (rid == null || status == null) {
            LOG.info("Ignoring method response of '{}' with correlation-id {} and status {}", session.deviceId(),
                    correlation, status);
            return;
        }
        try {
            hub.methods().respond(session.deviceId(), rid, Integer.parseInt(status.toString().strip()), body(response));
        } catch (NumberFormatException e) {
            LOG.info("Ignoring method response of '{}' with status '{}'", session.deviceId(), status);
        }
    }

    private void answer(Object correlation, int status, Integer version, String body) {
        if (twinOut == null || !twinOut.isOpen()) {
            LOG.info("Not answering a twin request of '{}' with {}: no twin receiver link", session.deviceId(), status);
            return;
        }
        Message m = message(body);
        m.setCorrelationId(correlation);
        Map<Symbol, Object> annotations = new HashMap<>();
        annotations.put(STATUS, status);
        if (version != null) {
            annotations.put(VERSION, version);
        }
        m.setMessageAnnotations(new MessageAnnotations(annotations));
        twinOut.send(m);
    }

    /** A desired patch the twin owner pushed through the session; on the connection's context. */
    void sendDesired(int version, String patch) {
        if (twinOut != null && twinOut.isOpen()) {
            Message m = message(patch);
            Map<Symbol, Object> annotations = new HashMap<>();
            annotations.put(RESOURCE, "/properties/desired");
            annotations.put(VERSION, version);
            m.setMessageAnnotations(new MessageAnnotations(annotations));
            twinOut.send(m);
        }
    }

    /** A method request the method owner pushed through the session; on the connection's context. */
    void sendMethod(String rid, String name, String payload) {
        if (methodsOut == null || !methodsOut.isOpen()) {
            return; // the invocation times out on the hub, as for a device that went away
        }
        UUID id = UUID.randomUUID(); // lower-case v4: Java needs a UUID, Node re-encodes only an RFC one
        methodRequests.put(id, rid);
        Message m = message(payload);
        m.setCorrelationId(id);
        m.setApplicationProperties(new ApplicationProperties(Map.of("IoThub-methodname", name)));
        methodsOut.send(m);
    }

    private static Message message(String body) {
        Message m = Proton.message();
        m.setMessageId(UUID.randomUUID().toString());
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        m.setBody(new Data(new Binary(bytes))); // Java casts every body to Data
        return m;
    }

    private static String body(Message m) {
        if (m.getBody() instanceof Data data && data.getValue() != null) {
            Binary b = data.getValue();
            return new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8);
        }
        if (m.getBody() instanceof org.apache.qpid.proton.amqp.messaging.AmqpValue v && v.getValue() != null) {
            return v.getValue().toString();
        }
        return "";
    }

    private static UUID uuid(Object correlation) {
        if (correlation instanceof UUID u) {
            return u;
        }
        try {
            return UUID.fromString(correlation.toString().strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(Object o) {
        return o == null ? null : o.toString().strip();
    }

    private static String error(int code, String message) {
        return new JsonObject().put("errorCode", code).put("message", message).encode();
    }
}
