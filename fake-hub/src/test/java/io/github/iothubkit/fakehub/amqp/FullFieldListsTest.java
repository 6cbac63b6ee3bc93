package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub writes every performative, and the error inside one, with all its fields: the pure-Python
 * transport of azure-eventhub 5.x (pyamqp) indexes them all and fails on a list that omits trailing
 * nulls. Checked on the raw bytes, so it holds without Python installed.
 */
class FullFieldListsTest {

    /** AMQP 1.0 descriptor code to its number of fields (part 2.7, and 2.8.14 for error). */
    private static final Map<Integer, Integer> FIELDS = Map.of(0x10, 10, 0x11, 8, 0x12, 14, 0x13, 11,
            0x14, 11, 0x15, 6, 0x16, 3, 0x17, 1, 0x18, 1);
    private static final int ERROR = 0x1d;

    private static FakeIotHub hub;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().host("127.0.0.214").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void everyPerformativeAndErrorTheHubSendsCarriesItsFullFieldList() {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (RawAmqp client = RawAmqp.opening(hub, "ANONYMOUS", Duration.ofSeconds(30))) {
            client.inbound = received::writeBytes;
            client.pumpUntil(() -> client.connection.getRemoteState() == EndpointState.ACTIVE, "open");
            Session session = client.session();
            Receiver replies = client.receiver(session, "cbs:receiver", "$cbs", "cbs-reply",
                    SenderSettleMode.UNSETTLED, ReceiverSettleMode.FIRST, 10);
            Sender requests = client.sender(session, "cbs:sender", null, "$cbs", SenderSettleMode.UNSETTLED);
            Message request = Message.Factory.create();
            request.setMessageId(UnsignedLong.valueOf(7));
            request.setReplyTo("cbs-reply");
            request.setApplicationProperties(new ApplicationProperties(Map.of("operation", "put-token",
                    "type", "servicebus.windows.net:sastoken", "name", hub.host())));
            request.setBody(new AmqpValue(AmqpWire.serviceToken(hub)));
            assertThat(client.send(requests, request)).as("the hub's disposition").isNotNull();
            assertThat(client.receive(replies).message().getApplicationProperties().getValue())
                    .containsEntry("status-code", 200);
            Receiver refused = client.receiver(session, "nowhere", "no/such/node", "x",
                    SenderSettleMode.UNSETTLED, ReceiverSettleMode.FIRST, 1);
            assertThat(client.refusal(refused)).as("detach with an error").isNotNull();
            session.close();
            client.pumpUntil(() -> session.getRemoteState() == EndpointState.CLOSED, "end");
            client.connection.close();
            client.pumpUntil(() -> client.connection.getRemoteState() == EndpointState.CLOSED, "close");
        }

        List<int[]> performatives = new ArrayList<>(); // {descriptor, field count, error field count or -1}
        ByteBuffer bytes = ByteBuffer.wrap(received.toByteArray());
        while (bytes.remaining() >= 8) {
            if (bytes.get(bytes.position()) == 'A') { // a protocol header: AMQP, then id and version
                bytes.position(bytes.position() + 8);
                continue;
            }
            int start = bytes.position();
            int size = bytes.getInt();
            int dataOffset = (bytes.get() & 0xff) * 4;
            int frameType = bytes.get();
            bytes.position(start + dataOffset);
            if (frameType == 0 && size > dataOffset) { // an AMQP frame that is not a heartbeat
                performatives.add(performative(bytes.slice().limit(size - dataOffset)));
            }
            bytes.position(start + size);
        }

        assertThat(bytes.remaining()).as("bytes after the last whole frame").isZero();
        assertThat(performatives).extracting(p -> p[0]).as("descriptors seen")
                .contains(0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18);
        for (int[] p : performatives) {
            assertThat(p[1]).as("fields of performative 0x%x", p[0]).isEqualTo(FIELDS.get(p[0]));
        }
        assertThat(performatives).filteredOn(p -> p[0] == 0x16 && p[2] >= 0).as("a detach with an error")
                .isNotEmpty().allSatisfy(p -> assertThat(p[2]).as("fields of the error").isEqualTo(3));
    }

    /** {descriptor, count, error count}: the error is read from a detach (after its handle and closed flag). */
    private static int[] performative(ByteBuffer body) {
        assertThat(body.get()).as("described").isEqualTo((byte) 0x00);
        assertThat(body.get()).as("smallulong descriptor").isEqualTo((byte) 0x53);
        int descriptor = body.get() & 0xff;
        int count = listCount(body);
        int error = -1;
        if (descriptor == 0x16 && count == 3) {
            skipUintOrBoolean(body); // handle
            skipUintOrBoolean(body); // closed
            if (body.get(body.position()) == 0x00) {
                body.get();
                assertThat(body.get()).isEqualTo((byte) 0x53);
                assertThat(body.get() & 0xff).as("error descriptor").isEqualTo(ERROR);
                error = listCount(body);
            }
        }
        return new int[] {descriptor, count, error};
    }

    /** Reads a list constructor and its size, returns its count (list0 has none). */
    private static int listCount(ByteBuffer body) {
        int constructor = body.get() & 0xff;
        return switch (constructor) {
            case 0x45 -> 0;
            case 0xc0 -> {
                body.get();
                yield body.get() & 0xff;
            }
            case 0xd0 -> {
                body.getInt();
                yield body.getInt();
            }
            default -> throw new AssertionError("not a list: 0x" + Integer.toHexString(constructor));
        };
    }

    private static void skipUintOrBoolean(ByteBuffer body) {
        int constructor = body.get() & 0xff;
        switch (constructor) {
            case 0x40, 0x41, 0x42, 0x43 -> { }
            case 0x52, 0x56 -> body.get();
            case 0x70 -> body.getInt();
            default -> throw new AssertionError("not a uint or boolean: 0x" + Integer.toHexString(constructor));
        }
    }
}
