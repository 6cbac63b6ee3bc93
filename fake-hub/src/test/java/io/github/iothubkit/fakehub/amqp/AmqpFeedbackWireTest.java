package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.Delivery;
import io.github.iothubkit.fakehub.internal.HubInternals;
import io.github.iothubkit.fakehub.session.StubLink;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The feedback link at the AMQP level: message shape, batching, credit, redelivery. */
class AmqpFeedbackWireTest {

    private static final Pattern RECORD = Pattern.compile("\\{\"originalMessageId\":\"([^\"]*)\",\"description\":"
            + "\"[^\"]*\",\"deviceGenerationId\":\"[^\"]*\",\"deviceId\":\"([^\"]*)\",\"enqueuedTimeUtc\":"
            + "\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z\",\"statusCode\":\"(Success|Expired|"
            + "DeliveryCountExceeded|Rejected|Purged)\"}");

    private FakeIotHub hub;

    record Received(ProtonDelivery delivery, Message message) {
        String json() {
            return new String(((Data) message.getBody()).getValue().getArray(), StandardCharsets.US_ASCII);
        }

        List<String> messageIds() {
            List<String> ids = new ArrayList<>();
            Matcher m = RECORD.matcher(json());
            while (m.find()) {
                ids.add(m.group(1));
            }
            return ids;
        }
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aBatchIsOneCompactAsciiJsonMessageWithIotHubsProperties() {
        hub = FakeIotHub.builder().host("127.0.0.33").start();
        try (AmqpWire client = AmqpWire.connect(hub)) {
            BlockingQueue<Received> received = feedbackReceiver(client, 10);
            completed("dev-1", "odd\"id\\\u00e9 x");

            Received batch = next(received);

            assertThat(batch.message().getContentType()).isEqualTo("application/vnd.microsoft.iothub.feedback.json");
            assertThat(new String(batch.message().getUserId(), StandardCharsets.UTF_8)).isEqualTo("127");
            assertThat(batch.message().getMessageId()).isNotNull();
            assertThat(batch.json()).matches("\\[" + RECORD.pattern() + "]")
                    .matches("[\\x20-\\x7e]*").doesNotContain("\\"); // nothing that Binary.toString() escapes
            assertThat(batch.messageIds()).containsExactly("odd?id?? x"); // quote, backslash, non-ASCII sanitised
            assertThat(batch.json()).contains("\"deviceId\":\"dev-1\"", "\"statusCode\":\"Success\"");
            client.disposition(batch.delivery(), Accepted.getInstance());
        }
    }

    @Test
    void aReleasedBatchIsSentAgainAndAnAcceptedOneIsGone() {
        hub = FakeIotHub.builder().host("127.0.0.33").start();
        try (AmqpWire client = AmqpWire.connect(hub)) {
            BlockingQueue<Received> received = feedbackReceiver(client, 10);
            completed("dev-1", "m-released");

            Received first = next(received);
            client.disposition(first.delivery(), Released.getInstance());
            Received again = next(received);
            assertThat(again.messageIds()).containsExactly("m-released");
            client.disposition(again.delivery(), Accepted.getInstance());

            completed("dev-1", "m-next");
            assertThat(next(received).messageIds()).containsExactly("m-next"); // not m-released a third time
            assertThat(HubInternals.context(hub).feedbackOutbox().pending()).isZero();
        }
    }

    @Test
    void aBatchLeftUnsettledWhenItsLinkClosesGoesToAnotherReceiver() {
        hub = FakeIotHub.builder().host("127.0.0.33").start();
        try (AmqpWire first = AmqpWire.connect(hub); AmqpWire second = AmqpWire.connect(hub)) {
            BlockingQueue<Received> firstQueue = new LinkedBlockingQueue<>();
            authorize(first);
            ProtonReceiver firstLink = first.receiver("/messages/servicebound/feedback", 10,
                    (d, m) -> firstQueue.add(new Received(d, m)));
            completed("dev-1", "m-orphan");
            assertThat(next(firstQueue).messageIds()).containsExactly("m-orphan");

            BlockingQueue<Received> secondQueue = feedbackReceiver(second, 10);
            first.run(c -> firstLink.close());

            assertThat(next(secondQueue).messageIds()).containsExactly("m-orphan");
        }
    }

    @Test
    void nothingIsSentWithoutCreditAndSixtyFourRecordsGoAtOnceWithoutWaitingForTheWindow() {
        hub = FakeIotHub.builder().host("127.0.0.34").feedbackBatchWindow(Duration.ofHours(1)).start();
        try (AmqpWire client = AmqpWire.connect(hub)) {
            BlockingQueue<Received> received = feedbackReceiver(client, 0);
            for (int i = 0; i < 70; i++) {
                completed("dev-" + (i % 2), "m" + i);
            }
            ProtonReceiver link = client.receiver("/messages/servicebound/feedback", 0,
                    (d, m) -> received.add(new Received(d, m)));

            client.run(c -> link.flow(5));

            Received batch = next(received);
            assertThat(batch.messageIds()).hasSize(64).startsWith("m0", "m1");
            assertThat(HubInternals.context(hub).feedbackOutbox().pending()).isEqualTo(6); // the rest waits for the (one-hour) window
            assertThat(received).isEmpty();
        }
    }

    private BlockingQueue<Received> feedbackReceiver(AmqpWire client, int credit) {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        authorize(client);
        if (credit > 0) {
            client.receiver("/messages/servicebound/feedback", credit, (d, m) -> received.add(new Received(d, m)));
        }
        return received;
    }

    private void authorize(AmqpWire client) {
        Message reply = client.putToken(UUID.randomUUID(), AmqpWire.serviceToken(hub));
        assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 200);
    }

    /** A message with full ack that the device completed: Success feedback. */
    private void completed(String deviceId, String messageId) {
        if (hub.devices().find(deviceId).isEmpty()) {
            hub.devices().create(deviceId);
        }
        List<Delivery> deliveries = StubLink.connect(HubInternals.context(hub).sessions(), deviceId, true).deliveries;
        hub.cloudToDevice().send(deviceId, C2dMessage.of("x").messageId(messageId).ack(AckMode.FULL));
        assertThat(deliveries).hasSize(1); // the device link is handed the message inside send()
        HubInternals.context(hub).cloudToDeviceSpi().complete(deviceId, deliveries.get(0).sequence());
    }

    private static Received next(BlockingQueue<Received> queue) {
        try {
            Received r = queue.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("a feedback message within 10 s").isNotNull();
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
