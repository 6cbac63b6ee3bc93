package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.PercentDecoding;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

/**
 * The device side of the AMQP endpoint: {@code /devices/{id}/messages/events} (telemetry in),
 * {@code /devices/{id}/messages/devicebound} (C2D out), and the twin and method link pairs
 * ({@link TwinMethodLinks}). Each device's links on a connection form one
 * {@link AmqpDeviceSession}; the rules stay with their owners (telemetry, C2D queue, faults).
 */
final class DeviceNodes {

    private final AmqpConnection connection;
    private final HubContext hub;
    private final Map<String, AmqpDeviceSession> sessions = new HashMap<>();

    DeviceNodes(AmqpConnection connection, HubContext hub) {
        this.connection = connection;
        this.hub = hub;
    }

    /** The device's sender of telemetry. */
    void events(ProtonReceiver link, Map<String, String> params) {
        AmqpDeviceSession session = admitted(link, params);
        if (session == null) {
            return;
        }
        // credit on every device sender link: proton-j buffers sends without credit and the SDK never checks
        link.setAutoAccept(false).handler((d, m) -> AmqpConnection.guard(d, () -> onTelemetry(session, d, m)));
        connection.open(link, session::linkClosed);
        session.linkOpened();
    }

    /** The device's receiver of C2D messages. */
    void devicebound(ProtonSender link, Map<String, String> params) {
        AmqpDeviceSession session = admitted(link, params);
        if (session == null) {
            return;
        }
        link.setAutoSettle(true);
        connection.open(link, () -> {
            session.c2dDetached();
            session.linkClosed();
        });
        session.linkOpened();
        session.c2dAttached(link);
    }

    void twinIn(ProtonReceiver link, Map<String, String> params) {
        AmqpDeviceSession s = admitted(link, params);
        if (s != null) {
            s.twinMethods().twinRequests(link);
        }
    }

    void twinOut(ProtonSender link, Map<String, String> params) {
        AmqpDeviceSession s = admitted(link, params);
        if (s != null) {
            s.twinMethods().twinResponses(link);
        }
    }

    void methodsIn(ProtonReceiver link, Map<String, String> params) {
        AmqpDeviceSession s = admitted(link, params);
        if (s != null) {
            s.twinMethods().methodResponses(link);
        }
    }

    void methodsOut(ProtonSender link, Map<String, String> params) {
        AmqpDeviceSession s = admitted(link, params);
        if (s != null) {
            s.twinMethods().methodRequests(link);
        }
    }

    private <T extends io.vertx.proton.ProtonLink<T>> AmqpDeviceSession admitted(T link, Map<String, String> params) {
        AmqpDeviceSession session = session(PercentDecoding.decodeOrNull(params.get("id")));
        if (!session.admit()) {
            AmqpConnection.refuse(link, AmqpNames.UNAUTHORIZED, "connection refused by hub.faults()");
            return null;
        }
        return session;
    }

    private AmqpDeviceSession session(String deviceId) {
        return sessions.computeIfAbsent(deviceId, id -> new AmqpDeviceSession(connection, hub, id));
    }

    private void onTelemetry(AmqpDeviceSession session, ProtonDelivery delivery, Message message) {
        byte[] body = body(message);
        Map<String, String> system = new LinkedHashMap<>();
        put(system, "$.mid", message.getMessageId());
        put(system, "$.cid", message.getCorrelationId());
        put(system, "$.ct", message.getContentType());
        put(system, "$.ce", message.getContentEncoding());
        if (message.getUserId() != null) {
            put(system, "$.uid", new String(message.getUserId(), java.nio.charset.StandardCharsets.UTF_8));
        }
        Map<String, String> application = new LinkedHashMap<>();
        int propertyBytes = 0;
        if (message.getApplicationProperties() != null) {
            for (Map.Entry<String, Object> p : message.getApplicationProperties().getValue().entrySet()) {
                if (p.getValue() != null) {
                    application.put(p.getKey(), String.valueOf(p.getValue()));
                    propertyBytes += p.getKey().length() + String.valueOf(p.getValue()).length();
                }
            }
        }
        TelemetryMessage telemetry = new TelemetryMessage(session.deviceId(),
                "/devices/" + session.deviceId() + "/messages/events", body, system, application, hub.clock().now());
        Optional<String> refused = hub.telemetryIntake().accept(session, telemetry, propertyBytes);
        AmqpConnection.settle(delivery, refused.isEmpty() ? Accepted.getInstance()
                : AmqpNames.rejected(AmqpNames.MESSAGE_SIZE_EXCEEDED, refused.get()));
    }

    private static byte[] body(Message message) {
        if (message.getBody() instanceof Data data && data.getValue() != null) {
            Binary b = data.getValue();
            byte[] out = new byte[b.getLength()];
            System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, b.getLength());
            return out;
        }
        if (message.getBody() instanceof AmqpValue value && value.getValue() != null) {
            Object v = value.getValue();
            return v instanceof Binary b ? java.util.Arrays.copyOfRange(b.getArray(), b.getArrayOffset(),
                    b.getArrayOffset() + b.getLength()) : String.valueOf(v).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return new byte[0];
    }

    private static void put(Map<String, String> map, String key, Object value) {
        if (value != null) {
            map.put(key, String.valueOf(value));
        }
    }
}
