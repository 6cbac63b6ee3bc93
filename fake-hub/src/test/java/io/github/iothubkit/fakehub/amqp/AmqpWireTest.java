package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CBS and the C2D link at the AMQP level, with a bare client: what the SDK does not show. */
class AmqpWireTest {

    private static FakeIotHub hub;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().host("127.0.0.32").start();
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

    static Object[] messageIds() {
        return new Object[] {UUID.randomUUID(), "string-id", UnsignedLong.valueOf(42),
            new Binary("bin".getBytes(StandardCharsets.UTF_8))};
    }

    @ParameterizedTest
    @MethodSource("messageIds")
    void cbsReplyEchoesTheMessageIdAsCorrelationIdOfTheSameTypeWithAnIntStatus(Object messageId) {
        try (AmqpWire client = AmqpWire.connect(hub)) {
            Message reply = client.putToken(messageId, AmqpWire.serviceToken(hub));

            assertThat(reply.getCorrelationId()).isEqualTo(messageId).isExactlyInstanceOf(messageId.getClass());
            assertThat(reply.getApplicationProperties().getValue())
                    .containsEntry("status-code", 200).containsKey("status-description");
            assertThat(reply.getApplicationProperties().getValue().get("status-code")).isInstanceOf(Integer.class);
        }
    }

    @Test
    void aTokenInABinaryDataBodyIsAcceptedToo() {
        try (AmqpWire client = AmqpWire.connect(hub)) {
            Data body = new Data(new Binary(AmqpWire.serviceToken(hub).getBytes(StandardCharsets.UTF_8)));
            Message reply = client.putToken(UUID.randomUUID(), body);

            assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 200);
        }
    }

    @Test
    void aBadTokenGets401AndTheC2dLinkStaysClosed() {
        try (AmqpWire client = AmqpWire.connect(hub)) {
            String token = AmqpWire.serviceToken(hub).replaceFirst("sig=[^&]+", "sig=AAAA");
            Message reply = client.putToken(UUID.randomUUID(), token);

            assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 401);
            assertThat((String) reply.getApplicationProperties().getValue().get("status-description"))
                    .contains("signature").doesNotContain("AAAA");
            ErrorCondition refusal = client.refusedAttach(true, "/messages/devicebound");
            assertThat(refusal.getCondition().toString()).isEqualTo("amqp:unauthorized-access");
            assertThat(client.refusedAttach(false, "/messages/servicebound/feedback").getCondition().toString())
                    .isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void anUnknownAddressIsRefusedWithNotFoundAndTheConnectionStaysUsable() {
        try (AmqpWire client = AmqpWire.connect(hub)) {
            assertThat(client.refusedAttach(true, "/messages/events").getCondition().toString()).isEqualTo("amqp:not-found");
            assertThat(client.refusedAttach(false, "/devices/x/messages/nowhere").getCondition().toString())
                    .isEqualTo("amqp:not-found");

            hub.devices().create("dev-usable");
            ProtonSender sender = authorizedSender(client, ProtonQoS.AT_LEAST_ONCE);
            assertThat(client.send(sender, c2d("/devices/dev-usable/messages/devicebound"))).isInstanceOf(Accepted.class);
        }
    }

    @Test
    void perMessageErrorsAreRejectedWithAConditionAndTheLinkLives() {
        hub.devices().create("dev-ok");
        try (AmqpWire client = AmqpWire.connect(hub)) {
            ProtonSender sender = authorizedSender(client, ProtonQoS.AT_LEAST_ONCE);

            assertRejected(client.send(sender, c2d(null)), "amqp:invalid-field");
            assertRejected(client.send(sender, c2d("/messages/events")), "amqp:invalid-field");
            assertRejected(client.send(sender, c2d("/devices/nobody/messages/devicebound")), "amqp:not-found");
            assertRejected(client.send(sender, c2d("/devices/dev-ok/modules/m1/messages/devicebound")),
                    "amqp:not-implemented");
            Message badAck = c2d("/devices/dev-ok/messages/devicebound");
            badAck.setApplicationProperties(new ApplicationProperties(Map.of("iothub-ack", "sometimes")));
            assertRejected(client.send(sender, badAck), "amqp:invalid-field");
            Message big = c2d("/devices/dev-ok/messages/devicebound");
            big.setBody(new Data(new Binary(new byte[70_000])));
            assertRejected(client.send(sender, big), "amqp:link:message-size-exceeded");

            assertThat(client.send(sender, c2d("/devices/dev-ok/messages/devicebound"))).isInstanceOf(Accepted.class);
            assertThat(hub.cloudToDevice().queued("dev-ok")).hasSize(1);
        }
    }

    @Test
    void decodingIsLiberalAboutTypesCaseEncodingAndTtl() {
        hub.devices().create("dev:1");
        UUID messageId = UUID.randomUUID();
        Message message = c2d("DEVICES/dev%3A1/Messages/DeviceBound");
        message.setMessageId(messageId);
        message.setCorrelationId(UnsignedLong.valueOf(7));
        message.setUserId("user".getBytes(StandardCharsets.UTF_8));
        message.setContentType("application/json");
        message.setContentEncoding("utf-8");
        message.setHeader(new Header());
        message.getHeader().setTtl(UnsignedInteger.valueOf(60_000));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("iothub-ack", "POSITIVEONLY");
        props.put("int", 5);
        props.put("bool", true);
        props.put("sym", Symbol.valueOf("s"));
        message.setApplicationProperties(new ApplicationProperties(props));
        message.setBody(new AmqpValue("text body"));
        Instant before = Instant.now();

        try (AmqpWire client = AmqpWire.connect(hub)) {
            assertThat(client.send(authorizedSender(client, ProtonQoS.AT_LEAST_ONCE), message))
                    .isInstanceOf(Accepted.class);
        }

        C2dRecord record = hub.cloudToDevice().find(messageId.toString()).orElseThrow();
        C2dMessage queued = record.message();
        assertThat(record.deviceId()).isEqualTo("dev:1");
        assertThat(queued.correlationId()).isEqualTo("7");
        assertThat(queued.userId()).isEqualTo("user");
        assertThat(queued.contentType()).isEqualTo("application/json");
        assertThat(queued.contentEncoding()).isEqualTo("utf-8");
        assertThat(queued.ack()).isEqualTo(AckMode.POSITIVE);
        assertThat(queued.properties()).containsExactly(Map.entry("int", "5"), Map.entry("bool", "true"),
                Map.entry("sym", "s"));
        assertThat(queued.bodyAsString()).isEqualTo("text body");
        assertThat(record.expiryTime()).isBetween(before.plusSeconds(59), Instant.now().plusSeconds(61));
    }

    @Test
    void withoutAckPropertyTheAckIsNoneAndAMissingMessageIdIsAssigned() {
        hub.devices().create("dev-plain");
        Message message = c2d("/devices/dev-plain/messages/devicebound");
        message.setProperties(new org.apache.qpid.proton.amqp.messaging.Properties());
        message.setAddress("/devices/dev-plain/messages/devicebound");
        message.getProperties().setAbsoluteExpiryTime(new Date(0)); // "never" for some clients: default TTL

        try (AmqpWire client = AmqpWire.connect(hub)) {
            client.send(authorizedSender(client, ProtonQoS.AT_LEAST_ONCE), message);
        }

        C2dRecord record = hub.cloudToDevice().queued("dev-plain").get(0);
        assertThat(record.messageId()).isNotBlank();
        assertThat(record.message().ack()).isEqualTo(AckMode.NONE);
        assertThat(record.expiryTime()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
    }

    @Test
    void aPreSettledSenderWorks() {
        hub.devices().create("dev-presettled");
        try (AmqpWire client = AmqpWire.connect(hub)) {
            ProtonSender sender = authorizedSender(client, ProtonQoS.AT_MOST_ONCE);
            for (int i = 0; i < 3; i++) {
                client.send(sender, c2d("/devices/dev-presettled/messages/devicebound"));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.cloudToDevice().queued("dev-presettled").size() == 3);
        }
    }

    static ProtonSender authorizedSender(AmqpWire client, ProtonQoS qos) {
        Message reply = client.putToken(UUID.randomUUID(), AmqpWire.serviceToken(hub));
        assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 200);
        return client.sender("/messages/devicebound", qos);
    }

    static Message c2d(String to) {
        Message message = Message.Factory.create();
        if (to != null) {
            message.setAddress(to);
        }
        message.setBody(new Data(new Binary("hi".getBytes(StandardCharsets.UTF_8))));
        return message;
    }

    private static void assertRejected(DeliveryState state, String condition) {
        assertThat(state).isInstanceOf(Rejected.class);
        ErrorCondition error = ((Rejected) state).getError();
        assertThat(error).isNotNull();
        assertThat(error.getCondition().toString()).isEqualTo(condition);
        assertThat(error.getDescription()).isNotBlank();
    }
}
