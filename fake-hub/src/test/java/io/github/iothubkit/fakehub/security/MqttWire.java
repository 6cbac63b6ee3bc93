package io.github.iothubkit.fakehub.security;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.SasToken;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * MQTT 3.1.1 written byte by byte over a TLS socket: for what no MQTT client library will send
 * (invalid UTF-8, garbage after CONNECT) and for closing a connection abruptly (RST, no DISCONNECT).
 */
public final class MqttWire implements AutoCloseable {

    /** One MQTT control packet as read: the first header byte and the rest after the remaining length. */
    public record Packet(int header, byte[] body) {
        public int type() {
            return header >> 4;
        }

        /** The packet id of a PUBACK/SUBACK, or of a QoS 1 PUBLISH. */
        public int packetId() {
            if (type() == 3) {
                int topicLength = (body[0] & 0xff) << 8 | body[1] & 0xff;
                return (body[2 + topicLength] & 0xff) << 8 | body[3 + topicLength] & 0xff;
            }
            return (body[0] & 0xff) << 8 | body[1] & 0xff;
        }

        public String topic() {
            int topicLength = (body[0] & 0xff) << 8 | body[1] & 0xff;
            return new String(body, 2, topicLength, StandardCharsets.UTF_8);
        }

        public boolean duplicate() {
            return (header & 0x08) != 0;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private MqttWire(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
    }

    /** A TLS connection to the hub's MQTT port, handshake done, nothing sent. */
    public static MqttWire open(FakeIotHub hub) throws IOException {
        SSLSocket socket = (SSLSocket) hub.trust().sslContext().getSocketFactory().createSocket(hub.host(), hub.mqttsPort());
        socket.setSoTimeout(15_000);
        socket.startHandshake();
        return new MqttWire(socket);
    }

    /** Opens and sends CONNECT with a fresh device token; returns the CONNACK return code. */
    public static MqttWire connected(FakeIotHub hub, String deviceId, String key, int keepAliveSeconds) throws IOException {
        MqttWire wire = open(hub);
        int code = wire.connect(deviceId, password(hub, deviceId, key), keepAliveSeconds);
        if (code != 0) {
            wire.close();
            throw new AssertionError("CONNACK " + code + " for " + deviceId);
        }
        return wire;
    }

    public static String password(FakeIotHub hub, String deviceId, String key) {
        return SasToken.create(hub.host() + "/devices/" + deviceId, null, key, Instant.now().plus(Duration.ofHours(1)));
    }

    /** Sends CONNECT (cleanSession=0, username and password) and returns the CONNACK return code. */
    public int connect(String clientId, String password, int keepAliveSeconds) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC0, (byte) (keepAliveSeconds >> 8),
            (byte) keepAliveSeconds});
        string(v, clientId.getBytes(StandardCharsets.UTF_8));
        string(v, ("h/" + clientId + "/?api-version=2021-04-12").getBytes(StandardCharsets.UTF_8));
        string(v, password.getBytes(StandardCharsets.UTF_8));
        send(0x10, v.toByteArray());
        Packet connack = read();
        if (connack.type() != 2) {
            throw new AssertionError("expected CONNACK, got type " + connack.type());
        }
        return connack.body()[1];
    }

    /** SUBSCRIBE with one filter given as raw bytes. */
    public void subscribe(int packetId, byte[] filter, int qos) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.writeBytes(new byte[] {(byte) (packetId >> 8), (byte) packetId});
        string(v, filter);
        v.write(qos);
        send(0x82, v.toByteArray());
    }

    /** Subscribes to the device's C2D topic and waits for the SUBACK. */
    public void subscribeC2d(String deviceId) throws IOException {
        subscribe(1, ("devices/" + deviceId + "/messages/devicebound/#").getBytes(StandardCharsets.UTF_8), 1);
        Packet suback = read();
        if (suback.type() != 9) {
            throw new AssertionError("expected SUBACK, got type " + suback.type());
        }
    }

    /** PUBLISH with a raw topic; QoS 0 when packetId is 0, else QoS 1. */
    public void publish(byte[] topic, int packetId, byte[] payload) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, topic);
        if (packetId != 0) {
            v.writeBytes(new byte[] {(byte) (packetId >> 8), (byte) packetId});
        }
        v.writeBytes(payload);
        send(packetId != 0 ? 0x32 : 0x30, v.toByteArray());
    }

    public void puback(int packetId) throws IOException {
        send(0x40, new byte[] {(byte) (packetId >> 8), (byte) packetId});
    }

    public void send(int header, byte[] body) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream(body.length + 5);
        p.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            p.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        p.writeBytes(body);
        raw(p.toByteArray());
    }

    public void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next packet; fails if none comes within 15 s. */
    public Packet read() throws IOException {
        int header = in.read();
        if (header < 0) {
            throw new EOFException("the hub closed the connection");
        }
        int length = 0;
        int multiplier = 1;
        int digit;
        do {
            digit = in.readUnsignedByte();
            length += (digit & 0x7f) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0);
        byte[] body = new byte[length];
        in.readFully(body);
        return new Packet(header, body);
    }

    /** The next packet, or null if none comes within {@code timeout}. */
    public Packet poll(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            in.mark(1);
            int first = in.read();
            if (first < 0) {
                throw new EOFException("the hub closed the connection");
            }
            in.reset();
        } catch (SocketTimeoutException nothingYet) {
            return null;
        } finally {
            socket.setSoTimeout(15_000);
        }
        return read();
    }

    /** Reads (and drops) whatever comes until the hub closes; false if it is still open after {@code timeout}. */
    public boolean awaitClosed(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream raw = socket.getInputStream();
        byte[] sink = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                if (raw.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                // keep waiting
            } catch (SSLException | SocketException closed) {
                return true;
            }
        }
        return false;
    }

    /** Closes with a TCP reset: no DISCONNECT, no TLS close_notify, as a crashed device or a cut cable. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static void string(ByteArrayOutputStream out, byte[] bytes) {
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }
}
