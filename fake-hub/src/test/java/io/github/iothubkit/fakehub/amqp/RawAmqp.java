package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.FakeIotHub;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;

/**
 * A bare proton-j engine over a blocking TLS socket, for what vertx-proton's client cannot do: no SASL
 * layer at all (Node's rhea), any settle mode, any terminus, explicit credit and idle timeouts. It
 * reproduces what other SDKs put on the wire without needing them installed. Single-threaded: every
 * call pumps the socket until its condition holds or 10 s pass.
 */
final class RawAmqp implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    final Transport transport = Proton.transport();
    final Connection connection = Proton.connection();
    private int tags;
    /** Sees every byte the hub sends, before the engine decodes it (set it before the first pump). */
    java.util.function.Consumer<byte[]> inbound = bytes -> { };

    private RawAmqp(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        socket.setSoTimeout(20);
    }

    /** Connects; {@code mechanism} null means no SASL layer (the plain AMQP header first). */
    static RawAmqp connect(FakeIotHub hub, String mechanism, Duration idleTimeout) {
        RawAmqp raw = opening(hub, mechanism, idleTimeout);
        raw.pumpUntil(() -> raw.connection.getRemoteState() == EndpointState.ACTIVE, "connection open");
        return raw;
    }

    /** TLS is up and the Open is queued, but nothing is sent yet: what follows is pipelined with it. */
    static RawAmqp opening(FakeIotHub hub, String mechanism, Duration idleTimeout) {
        try {
            SSLSocket socket = (SSLSocket) hub.trust().sslContext().getSocketFactory().createSocket(hub.host(),
                    hub.amqpsPort());
            socket.startHandshake();
            RawAmqp raw = new RawAmqp(socket);
            if (mechanism != null) {
                Sasl sasl = raw.transport.sasl();
                sasl.client();
                if ("PLAIN".equals(mechanism)) {
                    sasl.plain("iothubowner@sas.root.hub", "not-looked-at");
                } else {
                    sasl.setMechanisms(mechanism);
                }
            }
            if (idleTimeout != null) {
                raw.transport.setIdleTimeout((int) idleTimeout.toMillis());
            }
            raw.transport.bind(raw.connection);
            raw.connection.setContainer("raw-" + System.nanoTime());
            raw.connection.setHostname(hub.host());
            raw.connection.open();
            return raw;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    Session session() {
        Session session = connection.session();
        session.open();
        pumpUntil(() -> session.getRemoteState() == EndpointState.ACTIVE, "session begin");
        return session;
    }

    /** Attaches a sender to {@code target} (source address {@code source}) and waits for the hub's attach. */
    Sender sender(Session session, String name, String source, String target, SenderSettleMode mode) {
        Sender sender = session.sender(name);
        terminus(sender, source, target);
        sender.setSenderSettleMode(mode);
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        sender.open();
        pumpUntil(() -> sender.getRemoteState() != EndpointState.UNINITIALIZED, "sender attach");
        return sender;
    }

    /** Attaches a receiver from {@code source} (target address {@code target}); grants {@code credit}. */
    Receiver receiver(Session session, String name, String source, String target, SenderSettleMode sndMode,
            ReceiverSettleMode rcvMode, int credit) {
        Receiver receiver = session.receiver(name);
        terminus(receiver, source, target);
        receiver.setSenderSettleMode(sndMode);
        receiver.setReceiverSettleMode(rcvMode);
        receiver.open();
        if (credit > 0) {
            receiver.flow(credit);
        }
        pumpUntil(() -> receiver.getRemoteState() != EndpointState.UNINITIALIZED, "receiver attach");
        return receiver;
    }

    private static void terminus(Link link, String source, String target) {
        Source s = new Source();
        s.setAddress(source);
        Target t = new Target();
        t.setAddress(target);
        link.setSource(s);
        link.setTarget(t);
    }

    /** The error the hub detached {@code link} with, waiting for the detach. */
    ErrorCondition refusal(Link link) {
        pumpUntil(() -> link.getRemoteState() == EndpointState.CLOSED, "link refused");
        return link.getRemoteCondition();
    }

    /** Sends; for an unsettled delivery waits for the hub's outcome and returns it, else returns null. */
    DeliveryState send(Sender sender, Message message) {
        Delivery delivery = sendNoWait(sender, message);
        if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
            pump(Duration.ZERO);
            return null;
        }
        pumpUntil(() -> delivery.getRemoteState() != null, "disposition");
        DeliveryState state = delivery.getRemoteState();
        delivery.settle();
        pump(Duration.ZERO);
        return state;
    }

    Delivery sendNoWait(Sender sender, Message message) {
        pumpUntil(() -> sender.getCredit() > 0, "credit to send on '" + sender.getName() + "'");
        Delivery delivery = sender.delivery(String.valueOf(tags++).getBytes(StandardCharsets.US_ASCII));
        byte[] buffer = new byte[1024 * 1024];
        int length = message.encode(buffer, 0, buffer.length);
        sender.send(buffer, 0, length);
        if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
            delivery.settle();
        }
        sender.advance();
        pump(Duration.ZERO);
        return delivery;
    }

    /** The next complete message on {@code receiver}; the delivery stays current for {@link #settle}. */
    Received receive(Receiver receiver) {
        pumpUntil(() -> {
            Delivery d = receiver.current();
            return d != null && d.isReadable() && !d.isPartial();
        }, "a message on '" + receiver.getName() + "'");
        Delivery delivery = receiver.current();
        byte[] bytes = new byte[delivery.pending()];
        int read = receiver.recv(bytes, 0, bytes.length);
        receiver.advance();
        Message message = Message.Factory.create();
        message.decode(bytes, 0, read);
        return new Received(delivery, message);
    }

    record Received(Delivery delivery, Message message) {
        String dataText() {
            Binary b = ((org.apache.qpid.proton.amqp.messaging.Data) message.getBody()).getValue();
            return new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8);
        }
    }

    void settle(Delivery delivery, DeliveryState state) {
        delivery.disposition(state);
        delivery.settle();
        pump(Duration.ZERO);
    }

    /** Writes bytes between frames, after all pending output (an empty frame, say, which proton-j never sends unasked). */
    void writeRaw(byte[] bytes) {
        pump(Duration.ZERO);
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Pumps until {@code condition} holds; fails after {@link #TIMEOUT}. */
    void pumpUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + TIMEOUT.toSeconds() + " s");
            }
            if (!pumpOnce()) {
                throw new AssertionError("the hub closed the socket while waiting for " + what
                        + (transport.getCondition() == null ? "" : ": " + transport.getCondition()));
            }
        }
    }

    /** Pumps for {@code duration} whatever arrives (at least once); false if the socket closed meanwhile. */
    boolean pump(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        do {
            if (!pumpOnce()) {
                return false;
            }
        } while (System.nanoTime() < deadline);
        return true;
    }

    /** Writes all output, reads what arrives within 20 ms, ticks the idle timer; false at end of stream. */
    private boolean pumpOnce() {
        try {
            transport.tick(System.nanoTime() / 1_000_000);
            ByteBuffer output;
            while ((output = transport.getOutputBuffer()) != null && output.hasRemaining()) {
                byte[] bytes = new byte[output.remaining()];
                output.get(bytes);
                out.write(bytes);
                transport.outputConsumed();
            }
            out.flush();
            byte[] buffer = new byte[16 * 1024];
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException nothingYet) {
                return true;
            }
            if (n < 0) {
                transport.close_tail();
                return false;
            }
            inbound.accept(java.util.Arrays.copyOf(buffer, n));
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
            while (bytes.hasRemaining()) {
                ByteBuffer input = transport.getInputBuffer();
                int chunk = Math.min(input.remaining(), bytes.remaining());
                ByteBuffer slice = bytes.slice();
                slice.limit(chunk);
                input.put(slice);
                bytes.position(bytes.position() + chunk);
                transport.processInput().checkIsOk();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
            pump(Duration.ZERO);
            socket.close();
        } catch (IOException | RuntimeException ignored) {
            // the hub may already have dropped us
        }
    }
}
