package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.c2d.Delivery;
import io.github.iothubkit.fakehub.internal.HubInternals;
import io.github.iothubkit.fakehub.session.StubLink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the Node.js ({@code azure-iothub} on rhea) and Python ({@code azure-iot-hub} on uamqp; pyamqp)
 * service SDKs put on the AMQP wire where the Java SDK differs, replayed with a bare proton-j client so
 * that each difference stays pinned without Node or Python installed. Each test names its source.
 */
class ForeignSdkAmqpTest {

    private static FakeIotHub hub;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().host("127.0.0.38").feedbackBatchWindow(Duration.ofMillis(50)).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @BeforeEach
    void clean() {
        hub.devices().clear();
        hub.cloudToDevice().reset();
    }

    /** Node: rhea without a SASL mechanism sends the plain AMQP header; the hub must answer it, not with SASL's. */
    @Test
    void aPlainAmqpHeaderIsAnsweredWithThePlainAmqpHeader() throws Exception {
        try (SSLSocket tls = (SSLSocket) hub.trust().sslContext().getSocketFactory().createSocket(hub.host(),
                hub.amqpsPort())) {
            tls.setSoTimeout(10_000);
            tls.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0});
            tls.getOutputStream().flush();
            byte[] header = tls.getInputStream().readNBytes(8);

            assertThat(header).containsExactly('A', 'M', 'Q', 'P', 0, 1, 0, 0);
        }
    }

    /** Garbage after a plain AMQP header costs that connection only; the hub serves the next client. */
    @Test
    void garbageAfterAPlainAmqpHeaderClosesOnlyThatConnection() throws Exception {
        try (SSLSocket tls = (SSLSocket) hub.trust().sslContext().getSocketFactory().createSocket(hub.host(),
                hub.amqpsPort())) {
            tls.setSoTimeout(10_000);
            tls.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0});
            tls.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            byte[] all = tls.getInputStream().readAllBytes(); // returns at end of stream: the hub closed

            assertThat(all).startsWith('A', 'M', 'Q', 'P', 0, 1, 0, 0);
        }
        try (RawAmqp next = authorized(null)) {
            assertThat(next.connection.getRemoteState()).isEqualTo(EndpointState.ACTIVE);
        }
    }

    /**
     * Node ({@code azure-iothub} 1.16 {@code amqp.ts}, {@code amqp_cbs.ts}, {@code amqp_message.ts}): no SASL,
     * put-token with a string message-id, {@code name} = the token's sr; C2D with a uuid message-id,
     * {@code iothub-ack} 'full', numbers as AMQP long, {@code IoThub-status} as int, an absolute expiry,
     * message annotations ({@code iothub-interface-id}, {@code dt-subject}), a Data body; feedback from {@code /messages/serviceBound/feedback} (capital B) in rhea's mixed mode.
     */
    @Test
    void nodeServiceClientWithoutSaslIsAuthorizedByCbsAndSendsC2dAndGetsFeedback() {
        hub.devices().create("dev-node");
        try (RawAmqp node = RawAmqp.connect(hub, null, null)) {
            Session session = node.session();
            String messageId = UUID.randomUUID().toString();
            Message reply = putToken(node, session, messageId, "cbs", nodeStyleProperties());
            assertThat(reply.getCorrelationId()).isEqualTo(messageId);
            assertThat(reply.getAddress()).isEqualTo("cbs");
            assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 200);

            Sender c2d = node.sender(session, "c2d", null, "/messages/devicebound", SenderSettleMode.MIXED);
            UUID c2dId = UUID.randomUUID();
            Message message = c2dMessage("/devices/dev-node/messages/devicebound");
            message.setMessageId(c2dId);
            Date expiry = Date.from(Instant.now().plusSeconds(600));
            message.getProperties().setAbsoluteExpiryTime(expiry);
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("iothub-ack", "full");
            props.put("count", 42L);
            props.put("IoThub-status", 7);
            message.setApplicationProperties(new ApplicationProperties(props));
            message.setMessageAnnotations(new MessageAnnotations(
                    Map.of(Symbol.valueOf("iothub-interface-id"), "urn:x", Symbol.valueOf("dt-subject"), "c1")));
            assertThat(node.send(c2d, message)).isInstanceOf(Accepted.class);

            C2dRecord record = hub.cloudToDevice().find(c2dId.toString()).orElseThrow();
            assertThat(record.message().ack()).isEqualTo(AckMode.FULL);
            assertThat(record.message().properties()).containsEntry("count", "42").containsEntry("IoThub-status", "7");
            assertThat(record.expiryTime()).isEqualTo(expiry.toInstant());

            Receiver feedback = node.receiver(session, "feedback", "/messages/serviceBound/feedback", null,
                    SenderSettleMode.MIXED, ReceiverSettleMode.FIRST, 100);
            completeOnDevice("dev-node");
            RawAmqp.Received batch = node.receive(feedback);
            assertThat(batch.delivery().remotelySettled()).as("unsettled: the receiver settles").isFalse();
            assertThat(batch.dataText()).contains(c2dId.toString(), "\"statusCode\":\"Success\"");
            node.settle(batch.delivery(), Accepted.getInstance());
        }
    }

    /**
     * rhea pipelines: the AMQP header, Open, Begin, both CBS attaches and the put-token leave in one go,
     * before the hub's header arrived. Without SASL the hub must take all of it from its first read.
     */
    @Test
    void nodePipelinesHeaderOpenBeginAttachesAndPutTokenWithoutSasl() {
        try (RawAmqp node = RawAmqp.opening(hub, null, null)) {
            Session session = node.connection.session();
            session.open();
            Receiver replies = session.receiver("cbs-receiver");
            Sender requests = session.sender("cbs-sender");
            for (Link link : List.of(replies, requests)) {
                Source source = new Source();
                source.setAddress(link == replies ? "$cbs" : null);
                Target target = new Target();
                target.setAddress(link == requests ? "$cbs" : null);
                link.setSource(source);
                link.setTarget(target);
                link.open();
            }
            replies.flow(100);
            Message request = cbsRequest(UUID.randomUUID().toString(), "cbs", nodeStyleProperties(),
                    AmqpWire.serviceToken(hub));
            byte[] buffer = new byte[4096];
            org.apache.qpid.proton.engine.Delivery delivery = requests.delivery(new byte[] {0});
            requests.send(buffer, 0, request.encode(buffer, 0, buffer.length)); // queued until credit comes
            requests.advance();

            RawAmqp.Received reply = node.receive(replies);

            assertThat(reply.message().getApplicationProperties().getValue()).containsEntry("status-code", 200);
            node.pumpUntil(() -> delivery.getRemoteState() instanceof Accepted, "the request's outcome");
        }
    }

    /**
     * Node's {@code getFileNotificationReceiver} (and Java's file-upload notification client) attach to
     * {@code /messages/serviceBound/filenotifications}: the fake hub has no uploads, so the link opens and
     * stays quiet instead of being refused; without a token it is refused like the other service nodes.
     */
    @Test
    void theFileNotificationNodeOpensForAServiceGrantAndStaysQuiet() {
        try (RawAmqp node = authorized(null)) {
            Session session = node.session();
            Receiver notifications = node.receiver(session, "fn", "/messages/serviceBound/filenotifications", null,
                    SenderSettleMode.MIXED, ReceiverSettleMode.FIRST, 10);
            // a CBS round trip after the attach: a refusal would have arrived before its reply
            putToken(node, session, "after-attach", "cbs", nodeStyleProperties());

            assertThat(notifications.getRemoteState()).isEqualTo(EndpointState.ACTIVE);
            assertThat(notifications.current()).isNull();
        }
        try (RawAmqp anonymous = RawAmqp.connect(hub, null, null)) {
            Receiver refused = anonymous.receiver(anonymous.session(), "fn", "/messages/servicebound/filenotifications",
                    null, SenderSettleMode.UNSETTLED, ReceiverSettleMode.FIRST, 10);
            assertThat((Object) anonymous.refusal(refused).getCondition())
                    .isEqualTo(Symbol.valueOf("amqp:unauthorized-access"));
        }
    }

    /** Node without SASL but also without put-token: links are refused as unauthorized, not left hanging. */
    @Test
    void withoutSaslAndWithoutPutTokenLinksAreRefusedAsUnauthorized() {
        try (RawAmqp node = RawAmqp.connect(hub, null, null)) {
            Session session = node.session();
            Sender c2d = node.sender(session, "c2d", null, "/messages/devicebound", SenderSettleMode.MIXED);
            assertThat((Object) node.refusal(c2d).getCondition()).isEqualTo(Symbol.valueOf("amqp:unauthorized-access"));
            Message reply = putToken(node, session, "id-1", "cbs", Map.of("operation", "put-token",
                    "type", "servicebus.windows.net:sastoken", "name", hub.host()),
                    AmqpWire.serviceToken(hub).replaceFirst("sig=[^&]+", "sig=AAAA"));
            assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 401);
        }
    }

    /**
     * Python ({@code azure-iot-hub} 2.6 on uamqp; azure-uamqp-c {@code amqp_management.c}, {@code cbs.c}):
     * SASL ANONYMOUS, put-token with a ulong message-id, no reply-to and no to, {@code name} =
     * {@code https://host}, CBS links with source = target = {@code $cbs}; the reply must carry the ulong
     * back and an int status. The C2D link targets {@code amqps://host/messages/devicebound}.
     */
    @Test
    void pythonUamqpPutTokenWithoutReplyToAndC2dTargetWithHostPrefix() {
        hub.devices().create("dev-py");
        try (RawAmqp python = RawAmqp.connect(hub, "ANONYMOUS", null)) {
            Session session = python.session();
            Receiver replies = python.receiver(session, "$cbs-receiver", "$cbs", "$cbs", SenderSettleMode.UNSETTLED,
                    ReceiverSettleMode.FIRST, 10_000);
            Sender requests = python.sender(session, "$cbs-sender", "$cbs", "$cbs", SenderSettleMode.UNSETTLED);
            Message request = Message.Factory.create();
            request.setMessageId(UnsignedLong.valueOf(0));
            request.setApplicationProperties(new ApplicationProperties(Map.of("name", "https://" + hub.host(),
                    "operation", "put-token", "type", "servicebus.windows.net:sastoken")));
            request.setBody(new AmqpValue(AmqpWire.serviceToken(hub)));
            assertThat(python.send(requests, request)).isInstanceOf(Accepted.class);
            Message reply = python.receive(replies).message();
            assertThat(reply.getCorrelationId()).isEqualTo(UnsignedLong.valueOf(0));
            assertThat(reply.getApplicationProperties().getValue().get("status-code")).isEqualTo(200);

            Sender c2d = python.sender(session, "sender-link-1", "sender-link-1",
                    "amqps://" + hub.host() + "/messages/devicebound", SenderSettleMode.UNSETTLED);
            Message message = c2dMessage("/devices/dev-py/messages/devicebound");
            message.setMessageId("py-1");
            message.setCorrelationId("corr-1");
            message.setContentType("application/json");
            message.setApplicationProperties(new ApplicationProperties(Map.of("testProperty", "v")));
            assertThat(python.send(c2d, message)).isInstanceOf(Accepted.class);

            C2dMessage queued = hub.cloudToDevice().find("py-1").orElseThrow().message();
            assertThat(queued.correlationId()).isEqualTo("corr-1");
            assertThat(queued.contentType()).isEqualTo("application/json");
            assertThat(queued.properties()).containsEntry("testProperty", "v");
        }
    }

    static Object[][] pyamqpExpirations() {
        long se = Instant.now().plusSeconds(3600).getEpochSecond();
        return new Object[][] {{new Date(se * 1000)}, {(int) se}, {se}, {String.valueOf(se)}, {(double) se}};
    }

    /**
     * pyamqp ({@code _pyamqp/cbs.py}, {@code management_link.py}; older releases send bytes): operation and
     * type as binary, an {@code expiration} of whatever type, a uuid message-id and no reply-to; and the
     * token as a binary AmqpValue.
     */
    @ParameterizedTest
    @MethodSource("pyamqpExpirations")
    void pyamqpPutTokenWithBinaryValuesAndAnyExpirationType(Object expiration) {
        try (RawAmqp python = RawAmqp.connect(hub, "ANONYMOUS", null)) {
            Session session = python.session();
            Map<Object, Object> app = new LinkedHashMap<>();
            app.put("name", bin("https://" + hub.host()));
            app.put("operation", bin("put-token"));
            app.put("type", bin("servicebus.windows.net:sastoken"));
            app.put("expiration", expiration);
            UUID id = UUID.randomUUID();
            Message reply = putToken(python, session, id, null, app, bin(AmqpWire.serviceToken(hub)));

            assertThat(reply.getCorrelationId()).isEqualTo(id);
            assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 200);
            hub.devices().create("dev-pyamqp");
            Sender c2d = python.sender(session, "c2d", null, "/messages/devicebound", SenderSettleMode.UNSETTLED);
            assertThat(python.send(c2d, c2dMessage("/devices/dev-pyamqp/messages/devicebound")))
                    .isInstanceOf(Accepted.class);
        }
    }

    /**
     * Event Hubs clients (wire contract 2, G2): pre-settled requests, a reply receiver whose target is
     * {@code cbs-client-reply-to} = the request's reply-to, and credit granted only after the request.
     */
    @Test
    void eventHubsStylePreSettledRequestAndCreditGrantedAfterwards() {
        try (RawAmqp client = RawAmqp.connect(hub, "ANONYMOUS", null)) {
            Session session = client.session();
            Receiver replies = client.receiver(session, "cbs:receiver", "$cbs", "cbs-client-reply-to",
                    SenderSettleMode.UNSETTLED, ReceiverSettleMode.SECOND, 0);
            Sender requests = client.sender(session, "cbs:sender", null, "$cbs", SenderSettleMode.SETTLED);
            Message request = cbsRequest(UnsignedLong.valueOf(1), "cbs-client-reply-to", nodeStyleProperties(),
                    AmqpWire.serviceToken(hub));
            client.send(requests, request);
            assertThat(client.pump(Duration.ofMillis(200))).isTrue();
            assertThat(replies.current()).as("no reply without credit").isNull();

            replies.flow(1);
            RawAmqp.Received reply = client.receive(replies);

            assertThat(reply.message().getCorrelationId()).isEqualTo(UnsignedLong.valueOf(1));
            assertThat(reply.message().getAddress()).isEqualTo("cbs-client-reply-to");
            assertThat(reply.message().getApplicationProperties().getValue()).containsEntry("status-code", 200);
        }
    }

    /** AMQP management: a request that carries a correlation-id gets it back instead of its message-id. */
    @Test
    void aRequestCorrelationIdWinsOverItsMessageId() {
        try (RawAmqp client = RawAmqp.connect(hub, "PLAIN", null)) {
            Session session = client.session();
            Message request = cbsRequest("message-id", "cbs", nodeStyleProperties(), AmqpWire.serviceToken(hub));
            request.setCorrelationId(new Binary(new byte[] {1, 2, 3}));
            Message reply = exchange(client, session, request);

            assertThat(reply.getCorrelationId()).isEqualTo(new Binary(new byte[] {1, 2, 3}));
        }
    }

    /**
     * Every way in: no SASL (Node), ANONYMOUS (Java, uamqp, pyamqp), PLAIN (documented device-style auth),
     * EXTERNAL, MSSBCBS (Microsoft.Azure.Amqp); the hub never reads SASL credentials, CBS decides.
     */
    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"ANONYMOUS", "PLAIN", "EXTERNAL", "MSSBCBS"})
    void everySaslMechanismOrNoneLetsTheClientInAndCbsDecides(String mechanism) {
        hub.devices().create("dev-sasl");
        try (RawAmqp client = authorized(mechanism)) {
            Sender c2d = client.sender(client.session(), "c2d", null, "/messages/devicebound",
                    SenderSettleMode.UNSETTLED);
            assertThat(client.send(c2d, c2dMessage("/devices/dev-sasl/messages/devicebound")))
                    .isInstanceOf(Accepted.class);
        }
    }

    /** Keep-alive empty frames from the client (uamqp and pyamqp send them on their own schedule) are harmless. */
    @Test
    void emptyFramesFromTheClientAreIgnored() {
        try (RawAmqp client = RawAmqp.connect(hub, null, null)) {
            byte[] emptyFrame = {0, 0, 0, 8, 2, 0, 0, 0};
            for (int i = 0; i < 3; i++) {
                client.writeRaw(emptyFrame);
            }
            Message reply = putToken(client, client.session(), "after-empty-frames", "cbs", nodeStyleProperties());

            assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 200);
        }
    }

    /**
     * A body in AmqpSequence sections: no SDK sends one, and it has no byte form for the device, so it is
     * Rejected with amqp:invalid-field (what the real hub does is unverified); the link keeps working.
     */
    @Test
    void anAmqpSequenceBodyIsRejectedAndTheLinkLives() {
        hub.devices().create("dev-seq");
        try (RawAmqp client = authorized("ANONYMOUS")) {
            Sender c2d = client.sender(client.session(), "c2d", null, "/messages/devicebound",
                    SenderSettleMode.UNSETTLED);
            Message sequence = c2dMessage("/devices/dev-seq/messages/devicebound");
            sequence.setBody(new AmqpSequence(List.of("a", "b")));

            assertThat(client.send(c2d, sequence)).isInstanceOfSatisfying(
                    Rejected.class, r -> assertThat(
                            (Object) r.getError().getCondition()).isEqualTo(Symbol.valueOf("amqp:invalid-field")));
            assertThat(client.send(c2d, c2dMessage("/devices/dev-seq/messages/devicebound")))
                    .isInstanceOf(Accepted.class);
        }
    }

    /** A client that declares an idle timeout gets empty frames from the hub in time and stays connected. */
    @Test
    void theHubKeepsAQuietConnectionAliveWithinTheClientsIdleTimeout() {
        try (RawAmqp client = RawAmqp.connect(hub, null, Duration.ofMillis(1000))) {
            assertThat(client.transport.getRemoteIdleTimeout()).isZero(); // the hub asks for no heartbeats

            assertThat(client.pump(Duration.ofSeconds(3))).as("socket still open").isTrue();
            assertThat(client.transport.getCondition()).as("no local idle timeout").isNull();
            assertThat(client.connection.getRemoteState()).isEqualTo(EndpointState.ACTIVE);
        }
    }

    static Object[][] c2dIdsAndAcks() {
        UUID uuid = UUID.randomUUID();
        return new Object[][] {
            {uuid, uuid.toString(), Symbol.valueOf("full"), AckMode.FULL},
            {UnsignedLong.valueOf(77), "77", bin("negative"), AckMode.NEGATIVE},
            {bin("bin-id"), "bin-id", "PositiveOnly", AckMode.POSITIVE},
            {"string-id", "string-id", bin("none"), AckMode.NONE}};
    }

    /**
     * Message ids of every AMQP id type (Java and Node send uuid or string, uamqp string) are recorded as
     * text; {@code iothub-ack} arrives as string (Node, uamqp), symbol or binary (pyamqp bytes).
     */
    @ParameterizedTest
    @MethodSource("c2dIdsAndAcks")
    void c2dMessageIdsOfAnyTypeAndAckAsStringSymbolOrBinary(Object messageId, String asText, Object ack,
            AckMode expected) {
        hub.devices().create("dev-ids");
        try (RawAmqp client = RawAmqp.connect(hub, "ANONYMOUS", null)) {
            Session session = client.session();
            assertThat(putToken(client, session, UUID.randomUUID(), "cbs", nodeStyleProperties())
                    .getApplicationProperties().getValue()).containsEntry("status-code", 200);
            Sender c2d = client.sender(session, "c2d", null, "/messages/devicebound", SenderSettleMode.UNSETTLED);
            Message message = c2dMessage("/devices/dev-ids/messages/devicebound");
            message.setMessageId(messageId);
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("iothub-ack", ack);
            props.put("other", "v");
            message.setApplicationProperties(new ApplicationProperties(props));

            assertThat(client.send(c2d, message)).isInstanceOf(Accepted.class);

            C2dMessage queued = hub.cloudToDevice().find(asText).orElseThrow().message();
            assertThat(queued.ack()).isEqualTo(expected);
            assertThat(queued.properties()).containsExactly(Map.entry("other", "v"));
        }
    }

    /** A feedback receiver that asks for pre-settled delivery gets each batch once, already settled. */
    @Test
    void aPreSettledFeedbackReceiverGetsSettledBatchesThatAreNotSentAgain() {
        hub.devices().create("dev-fb1");
        try (RawAmqp client = authorized("ANONYMOUS")) {
            Session session = client.session();
            Receiver feedback = client.receiver(session, "fb", "/messages/servicebound/feedback", null,
                    SenderSettleMode.SETTLED, ReceiverSettleMode.FIRST, 10);
            sendAndComplete("dev-fb1", "m-presettled");

            RawAmqp.Received batch = client.receive(feedback);

            assertThat(batch.delivery().remotelySettled()).isTrue();
            assertThat(batch.dataText()).contains("m-presettled");
            assertThat(HubInternals.context(hub).feedbackOutbox().pending()).isZero();
        }
    }

    /** rcv-settle-mode second (the Event Hubs clients' choice): the hub settles after the receiver's outcome. */
    @Test
    void aSecondModeFeedbackReceiverIsSettledByTheHubAfterItsDisposition() {
        hub.devices().create("dev-fb2");
        try (RawAmqp client = authorized(null)) {
            Session session = client.session();
            Receiver feedback = client.receiver(session, "fb", "/messages/servicebound/feedback", null,
                    SenderSettleMode.UNSETTLED, ReceiverSettleMode.SECOND, 10);
            sendAndComplete("dev-fb2", "m-second");
            RawAmqp.Received batch = client.receive(feedback);
            assertThat(batch.delivery().remotelySettled()).isFalse();

            batch.delivery().disposition(Accepted.getInstance());
            client.pumpUntil(() -> batch.delivery().remotelySettled(), "the hub's settlement");
            batch.delivery().settle();

            assertThat(client.pump(Duration.ZERO)).isTrue();
            assertThat(HubInternals.context(hub).feedbackOutbox().pending()).isZero();
        }
    }

    /** Ending a session (no detach of its links) gives back the batches its feedback link held unsettled. */
    @Test
    void endingASessionReturnsItsUnsettledFeedbackToOtherReceivers() {
        hub.devices().create("dev-fb3");
        try (RawAmqp first = authorized("ANONYMOUS"); RawAmqp second = authorized(null)) {
            Session doomed = first.session();
            Receiver firstLink = first.receiver(doomed, "fb", "/messages/servicebound/feedback", null,
                    SenderSettleMode.UNSETTLED, ReceiverSettleMode.FIRST, 10);
            sendAndComplete("dev-fb3", "m-orphan");
            assertThat(first.receive(firstLink).dataText()).contains("m-orphan");
            Receiver secondLink = second.receiver(second.session(), "fb", "/messages/servicebound/feedback", null,
                    SenderSettleMode.UNSETTLED, ReceiverSettleMode.FIRST, 10);

            doomed.close();
            first.pumpUntil(() -> doomed.getRemoteState() == EndpointState.CLOSED,
                    "session end");

            assertThat(second.receive(secondLink).dataText()).contains("m-orphan");
        }
    }

    /** Many sessions and many links on one connection (Java uses two sessions, Node one, uamqp one per link). */
    @Test
    void manySessionsAndLinksOnOneConnectionAllWork() {
        hub.devices().create("dev-many");
        try (RawAmqp client = authorized("ANONYMOUS")) {
            List<Sender> senders = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                Session session = client.session();
                for (int l = 0; l < 8; l++) {
                    senders.add(client.sender(session, "c2d-" + s + "-" + l, null, "/messages/devicebound",
                            SenderSettleMode.UNSETTLED));
                }
            }
            for (Sender sender : senders) {
                assertThat(client.send(sender, c2dMessage("/devices/dev-many/messages/devicebound")))
                        .isInstanceOf(Accepted.class);
            }
            assertThat(hub.cloudToDevice().queued("dev-many")).hasSize(32);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** A connection (with SASL {@code mechanism}, or none) whose service token was accepted. */
    private static RawAmqp authorized(String mechanism) {
        RawAmqp client = RawAmqp.connect(hub, mechanism, null);
        Message reply = putToken(client, client.session(), UUID.randomUUID(), "cbs", nodeStyleProperties());
        assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 200);
        return client;
    }

    /** Queues a full-ack message for the device, which takes and completes it: Success feedback. */
    private static void sendAndComplete(String deviceId, String messageId) {
        hub.cloudToDevice().send(deviceId, C2dMessage.of("x").messageId(messageId).ack(AckMode.FULL));
        completeOnDevice(deviceId);
    }

    private static Map<String, Object> nodeStyleProperties() {
        return Map.of("operation", "put-token", "type", "servicebus.windows.net:sastoken", "name", hub.host());
    }

    private static Message putToken(RawAmqp client, Session session, Object messageId, String replyTo,
            Map<?, ?> properties) {
        return putToken(client, session, messageId, replyTo, properties, AmqpWire.serviceToken(hub));
    }

    private static Message putToken(RawAmqp client, Session session, Object messageId, String replyTo,
            Map<?, ?> properties, Object token) {
        return exchange(client, session, cbsRequest(messageId, replyTo, properties, token));
    }

    private static Message exchange(RawAmqp client, Session session, Message request) {
        Receiver replies = client.receiver(session, "cbs-receiver-" + UUID.randomUUID(), "$cbs", null,
                SenderSettleMode.UNSETTLED, ReceiverSettleMode.FIRST, 10);
        Sender requests = client.sender(session, "cbs-sender-" + UUID.randomUUID(), null, "$cbs",
                SenderSettleMode.UNSETTLED);
        assertThat(client.send(requests, request)).isInstanceOf(Accepted.class);
        RawAmqp.Received reply = client.receive(replies);
        client.settle(reply.delivery(), Accepted.getInstance());
        return reply.message();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Message cbsRequest(Object messageId, String replyTo, Map<?, ?> properties, Object token) {
        Message request = Message.Factory.create();
        request.setMessageId(messageId);
        if (replyTo != null) {
            request.setAddress("$cbs");
            request.setReplyTo(replyTo);
        }
        request.setApplicationProperties(new ApplicationProperties((Map) properties));
        request.setBody(new AmqpValue(token));
        return request;
    }

    private static Message c2dMessage(String to) {
        Message message = Message.Factory.create();
        message.setProperties(new Properties());
        message.setAddress(to);
        message.setBody(new Data(bin("hello")));
        return message;
    }

    private static Binary bin(String text) {
        return new Binary(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The device takes its one queued message and completes it: Success feedback if asked for. */
    private static void completeOnDevice(String deviceId) {
        List<Delivery> deliveries = StubLink.connect(HubInternals.context(hub).sessions(), deviceId, true).deliveries;
        assertThat(deliveries).hasSize(1);
        HubInternals.context(hub).cloudToDeviceSpi().complete(deviceId, deliveries.get(0).sequence());
    }
}
