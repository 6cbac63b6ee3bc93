package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.internal.PercentDecoding;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.message.Message;

/**
 * Turns an AMQP message from a service client into the device id and {@link C2dMessage} the hub queues.
 * Liberal in what it reads: ids of any AMQP id type, the body as Data or AmqpValue, TTL as a fallback
 * for a missing absolute expiry.
 */
final class C2dDecoder {

    /** The device's C2D address; {@code /devices/{d}/modules/{m}/...} is recognised only to refuse it. */
    private static final Pattern TO = Pattern.compile("^/?devices/([^/]+)(/modules/[^/]+)?/messages/devicebound/?$",
            Pattern.CASE_INSENSITIVE);
    static final String ACK_PROPERTY = "iothub-ack";

    /** Why a message cannot be queued, as the AMQP error condition to reject it with. */
    static final class Rejection extends Exception {
        final String condition;

        Rejection(String condition, String description) {
            super(description, null, false, false);
            this.condition = condition;
        }
    }

    record Decoded(String deviceId, C2dMessage message) {
    }

    private C2dDecoder() {
    }

    static Decoded decode(Message amqp, DeviceRegistry registry, Instant now) throws Rejection {
        String deviceId = deviceId(amqp.getAddress(), registry);
        C2dMessage message = C2dMessage.of(body(amqp.getBody()));
        Properties p = amqp.getProperties();
        if (p != null) {
            message = message.messageId(idString(p.getMessageId()))
                    .correlationId(idString(p.getCorrelationId()))
                    .userId(p.getUserId() == null ? null : utf8(p.getUserId()))
                    .contentType(p.getContentType() == null ? null : p.getContentType().toString())
                    .contentEncoding(p.getContentEncoding() == null ? null : p.getContentEncoding().toString());
        }
        Instant expiry = expiry(p, amqp.getHeader(), now);
        if (expiry != null) {
            message = message.expiryTime(expiry);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        AckMode ack = AckMode.NONE; // IoT Hub's default when the sender names none
        ApplicationProperties app = amqp.getApplicationProperties();
        if (app != null && app.getValue() != null) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) app.getValue()).entrySet()) {
                String name = String.valueOf(e.getKey());
                if (name.equalsIgnoreCase(ACK_PROPERTY)) {
                    ack = ack(e.getValue());
                } else {
                    properties.put(name, valueString(e.getValue()));
                }
            }
        }
        return new Decoded(deviceId, message.ack(ack).properties(properties));
    }

    private static String deviceId(String to, DeviceRegistry registry) throws Rejection {
        if (to == null || to.isBlank()) {
            throw new Rejection(AmqpNames.INVALID_FIELD,
                    "the message has no 'to'; it must be /devices/{deviceId}/messages/devicebound");
        }
        Matcher m = TO.matcher(to.strip());
        if (!m.matches()) {
            throw new Rejection(AmqpNames.INVALID_FIELD, "'to' is '" + to
                    + "'; it must be /devices/{deviceId}/messages/devicebound");
        }
        if (m.group(2) != null) {
            throw new Rejection(AmqpNames.NOT_IMPLEMENTED, "'to' is '" + to
                    + "': the fake hub has no modules, so it cannot send to a module");
        }
        // an encoded id that is unknown too is reported as not found by send()
        return PercentDecoding.resolveId(m.group(1), id -> registry.find(id).isPresent());
    }

    private static AckMode ack(Object value) throws Rejection {
        try {
            return AckMode.parse(value == null ? null : valueString(value));
        } catch (IllegalArgumentException e) {
            throw new Rejection(AmqpNames.INVALID_FIELD, e.getMessage());
        }
    }

    private static Instant expiry(Properties p, Header header, Instant now) {
        Date absolute = p == null ? null : p.getAbsoluteExpiryTime();
        if (absolute != null && absolute.getTime() > 0) { // 0 is how some clients spell "never"
            return absolute.toInstant();
        }
        if (header != null && header.getTtl() != null && header.getTtl().longValue() > 0) {
            return now.plusMillis(header.getTtl().longValue());
        }
        return null;
    }

    private static byte[] body(Section body) throws Rejection {
        if (body == null) {
            return new byte[0];
        }
        // proton-j's codec (under vertx-proton) keeps only the first body section, so a body split over
        // several Data sections arrives truncated to the first; the SDKs always send exactly one.
        if (body instanceof Data data) {
            return data.getValue() == null ? new byte[0] : copy(data.getValue());
        }
        if (body instanceof AmqpValue value) {
            Object v = value.getValue();
            if (v == null) {
                return new byte[0];
            }
            if (v instanceof Binary b) {
                return copy(b);
            }
            return valueString(v).getBytes(StandardCharsets.UTF_8);
        }
        throw new Rejection(AmqpNames.INVALID_FIELD, "the body is a " + body.getClass().getSimpleName()
                + "; IoT Hub takes a Data section (or an AmqpValue holding a string or binary)");
    }

    /** A message or correlation id of any AMQP id type (string, uuid, ulong, binary) as text. */
    static String idString(Object id) {
        if (id == null) {
            return null;
        }
        return id instanceof Binary b ? utf8(b) : id.toString();
    }

    /** An application property value of any AMQP type as text. */
    static String valueString(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Binary b) {
            return utf8(b);
        }
        if (v instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (v instanceof Date d) {
            return d.toInstant().toString();
        }
        return v.toString();
    }

    /** The bytes of a binary as UTF-8 text. */
    static String utf8(Binary b) {
        return new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8);
    }

    private static byte[] copy(Binary b) {
        byte[] out = new byte[b.getLength()];
        System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, out.length);
        return out;
    }
}
