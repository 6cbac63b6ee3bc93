package io.github.iothubkit.deviceapp;

import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageProperty;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.StringJoiner;

/**
 * Formats a received cloud-to-device message the way the Python tutorial's SimulatedDevice.py does
 * (it prints {@code vars(message)}): one {@code ('name', value)} line per field, Python-style literals,
 * then {@code Total calls received: N}. Every field the Java SDK's {@link Message} exposes is shown,
 * {@code None} when unset, so a missing property is visible rather than silently absent.
 */
public final class MessagePrinter {

    private static final String INDENT = "    ";

    private MessagePrinter() {
    }

    /** The block printed for the {@code count}-th message, ending with a blank line. */
    public static String format(Message message, int count) {
        StringBuilder out = new StringBuilder();
        out.append(System.lineSeparator()).append("Message received:").append(System.lineSeparator());
        field(out, "data", bytesLiteral(message.getBytes()));
        field(out, "custom_properties", properties(message.getProperties()));
        field(out, "message_id", literal(message.getMessageId()));
        field(out, "correlation_id", literal(message.getCorrelationId()));
        field(out, "user_id", literal(message.getUserId()));
        field(out, "content_type", literal(message.getContentType()));
        field(out, "content_encoding", literal(message.getContentEncoding()));
        // The SDK keeps the absolute expiry private and only answers whether it has passed.
        field(out, "expired", message.isExpired() ? "True" : "False");
        field(out, "to", literal(message.getTo()));
        field(out, "ack", literal(message.getDeliveryAcknowledgement()));
        field(out, "creation_time_utc", literal(utc(message.getCreationTimeUTC())));
        field(out, "connection_device_id", literal(message.getConnectionDeviceId()));
        field(out, "connection_module_id", literal(message.getConnectionModuleId()));
        field(out, "input_name", literal(message.getInputName()));
        field(out, "output_name", literal(message.getOutputName()));
        out.append("Total calls received: ").append(count).append(System.lineSeparator());
        out.append(System.lineSeparator());
        return out.toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(INDENT).append("('").append(name).append("', ").append(value).append(')')
                .append(System.lineSeparator());
    }

    private static String properties(MessageProperty[] properties) {
        StringJoiner dict = new StringJoiner(", ", "{", "}");
        if (properties != null) {
            for (MessageProperty p : properties) {
                dict.add(literal(p.getName()) + ": " + literal(p.getValue()));
            }
        }
        return dict.toString();
    }

    private static String utc(Date date) {
        return date == null ? null : DateTimeFormatter.ISO_INSTANT.format(date.toInstant());
    }

    /** A Python string literal: single quotes, with backslash, quote and control characters escaped. */
    static String literal(String value) {
        if (value == null) {
            return "None";
        }
        StringBuilder s = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            appendEscaped(s, value.charAt(i), false);
        }
        return s.append('\'').toString();
    }

    /** Python's escapes in a quoted literal; in a bytes literal everything from 0x7f up is {@code \\xNN} too. */
    private static void appendEscaped(StringBuilder s, int c, boolean bytes) {
        switch (c) {
            case '\\' -> s.append("\\\\");
            case '\'' -> s.append("\\'");
            case '\n' -> s.append("\\n");
            case '\r' -> s.append("\\r");
            case '\t' -> s.append("\\t");
            default -> {
                if (c < 0x20 || c == 0x7f || (bytes && c > 0x7f)) {
                    s.append(String.format("\\x%02x", c));
                } else {
                    s.append((char) c);
                }
            }
        }
    }

    /** A Python bytes literal ({@code b'...'}): printable ASCII as is, everything else as {@code \xNN}. */
    static String bytesLiteral(byte[] body) {
        if (body == null) {
            return "None";
        }
        StringBuilder s = new StringBuilder(body.length + 3).append("b'");
        for (byte b : body) {
            appendEscaped(s, b & 0xff, true);
        }
        return s.append('\'').toString();
    }
}
