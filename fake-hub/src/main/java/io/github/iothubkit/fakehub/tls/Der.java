package io.github.iothubkit.fakehub.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.LocalDateTime;

/**
 * The few DER encodings an X.509 certificate needs (ITU-T X.690), so that the hub makes its certificates
 * with the JDK alone: BouncyCastle's builders cost a quarter of a second of class loading on a cold start.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int IA5_STRING = 0x16;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private Der() {
    }

    /** A tag, its definite length and the content. */
    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... elements) {
        return tlv(SEQUENCE, concat(elements));
    }

    static byte[] set(byte[]... elements) {
        return tlv(SET, concat(elements));
    }

    /** A context-specific constructed tag ({@code [n] EXPLICIT}). */
    static byte[] explicit(int n, byte[] element) {
        return tlv(0xa0 | n, element);
    }

    /** A context-specific primitive tag ({@code [n] IMPLICIT} of a primitive type). */
    static byte[] implicit(int n, byte[] content) {
        return tlv(0x80 | n, content);
    }

    static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray()); // two's complement, minimal: what DER asks for
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return tlv(0x01, new byte[] {(byte) (value ? 0xff : 0x00)});
    }

    static byte[] octetString(byte[] content) {
        return tlv(OCTET_STRING, content);
    }

    /** A BIT STRING of whole bytes (a signature, a public key). */
    static byte[] bitString(byte[] bytes) {
        byte[] content = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, content, 1, bytes.length);
        return tlv(BIT_STRING, content);
    }

    /**
     * A named-bit BIT STRING such as KeyUsage: {@code bits} holds bit 0 as its lowest bit; DER drops the
     * trailing zero bits and says how many bits of the last byte are unused.
     */
    static byte[] namedBits(int bits) {
        if (bits == 0) {
            return tlv(BIT_STRING, new byte[] {0});
        }
        int highest = Integer.SIZE - 1 - Integer.numberOfLeadingZeros(bits); // the last bit that is set
        int bytes = highest / 8 + 1;
        byte[] content = new byte[bytes + 1];
        content[0] = (byte) (7 - highest % 8);
        for (int bit = 0; bit <= highest; bit++) {
            if ((bits & (1 << bit)) != 0) {
                content[1 + bit / 8] |= (byte) (0x80 >>> (bit % 8));
            }
        }
        return tlv(BIT_STRING, content);
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            out.write((int) ((value >>> (7 * i)) & 0x7f) | (i > 0 ? 0x80 : 0));
        }
    }

    static byte[] utf8(String text) {
        return tlv(UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] ia5(String text) {
        return tlv(IA5_STRING, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** X.509's Time: UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5), whole seconds. */
    static byte[] time(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        boolean utc = t.getYear() >= 1950 && t.getYear() < 2050;
        // by hand: java.time's formatter costs tens of milliseconds of class loading on first use
        StringBuilder text = new StringBuilder(15);
        if (utc) {
            digits(text, t.getYear() % 100, 2);
        } else {
            digits(text, t.getYear(), 4);
        }
        digits(text, t.getMonthValue(), 2);
        digits(text, t.getDayOfMonth(), 2);
        digits(text, t.getHour(), 2);
        digits(text, t.getMinute(), 2);
        digits(text, t.getSecond(), 2);
        return tlv(utc ? UTC_TIME : GENERALIZED_TIME, text.append('Z').toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static void digits(StringBuilder text, int value, int width) {
        String s = Integer.toString(value);
        text.append("0".repeat(Math.max(0, width - s.length()))).append(s);
    }

    /** The length of the tag and length bytes of the element that starts at {@code at}. */
    static int headerLength(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        return first < 0x80 ? 2 : 2 + (first & 0x7f);
    }

    /** The content length of the element that starts at {@code at}. */
    static int contentLength(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xff);
        }
        return length;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
