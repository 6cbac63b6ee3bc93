package io.github.iothubkit.fakehub.c2d;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Retention;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.session.DeviceSessions;
import io.github.iothubkit.fakehub.session.Feature;
import io.github.iothubkit.fakehub.session.StubLink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The C2D queue's semantics, without sockets: a device session here is a {@link StubLink}. */
class CloudToDeviceTest {

    private final HubClock clock = HubClock.manual(Instant.parse("2026-01-01T00:00:00Z"));
    private final DeviceRegistry registry = new DeviceRegistry("127.0.0.1");
    private final FeedbackJournal feedback = new FeedbackJournal(clock);
    private final DeviceSessions sessions = new DeviceSessions();
    private final CloudToDevice c2d = new CloudToDevice(registry, clock,
            new CloudToDevice.Limits(50, 64 * 1024, Duration.ofHours(1), 3), feedback,
            Retention.DEFAULT, sessions, C2dPolicy.NONE);
    private List<Delivery> link = List.of();
    private StubLink device;

    /** The device connects; {@code link} is what its session receives. */
    private StubLink attach(boolean subscribed) {
        device = StubLink.connect(sessions, "d", subscribed);
        link = device.deliveries;
        return device;
    }

    @BeforeEach
    void register() {
        registry.create("d");
    }

    @Test
    void deliversInOrderOnlyToASubscribedDeviceAndAtMostTheInFlightWindow() {
        for (int i = 0; i < 5; i++) {
            c2d.send("d", C2dMessage.of("x").messageId("m" + i));
        }
        attach(false);
        assertThat(link).isEmpty();
        device.subscribe(Feature.C2D);
        assertThat(link).extracting(Delivery::message).extracting(C2dMessage::messageId).containsExactly("m0", "m1", "m2");
        c2d.complete("d", link.get(0).sequence());
        assertThat(link).extracting(d -> d.message().messageId()).containsExactly("m0", "m1", "m2", "m3");
    }

    @Test
    void putsUnacknowledgedMessagesBackAtTheHeadOnDisconnectAndFlagsThemAsRedeliveries() {
        c2d.send("d", C2dMessage.of("x").messageId("a"));
        attach(true);
        c2d.send("d", C2dMessage.of("x").messageId("b"));
        device.disconnect();
        c2d.send("d", C2dMessage.of("x").messageId("c"));
        attach(true);
        assertThat(link).extracting(d -> d.message().messageId() + (d.redelivery() ? "*" : ""))
                .containsExactly("a*", "b*", "c");
    }

    @Test
    void unsubscribingStopsDeliveryAndPutsWhatTheDeviceHeldBackAtTheHead() {
        attach(true);
        c2d.send("d", C2dMessage.of("x").messageId("a"));
        device.unsubscribe(Feature.C2D);
        assertThat(c2d.find("a").orElseThrow().outcome()).isEqualTo(C2dOutcome.ENQUEUED);
        c2d.send("d", C2dMessage.of("x").messageId("b"));
        assertThat(link).extracting(d -> d.message().messageId()).containsExactly("a");
        link.clear();
        device.subscribe(Feature.C2D);
        assertThat(link).extracting(d -> d.message().messageId() + (d.redelivery() ? "*" : ""))
                .containsExactly("a*", "b");
    }

    @Test
    void aLateUnsubscribeOrCloseOfATakenOverConnectionLeavesTheNewOneServed() {
        StubLink first = attach(true);
        c2d.send("d", C2dMessage.of("x").messageId("a"));
        List<Delivery> newer = attach(true).deliveries;
        first.unsubscribe(Feature.C2D);
        first.disconnect();
        c2d.send("d", C2dMessage.of("x").messageId("b"));
        assertThat(newer).extracting(d -> d.message().messageId() + (d.redelivery() ? "*" : ""))
                .containsExactly("a*", "b");
        assertThat(c2d.find("a").orElseThrow().outcome()).isEqualTo(C2dOutcome.DELIVERED);
    }

    @Test
    void anUnsubscribeAfterTheDeviceWasDeletedLeavesNoConnectionBehind() {
        attach(true);
        registry.delete("d");
        c2d.deviceDeleted("d");
        sessions.forget("d");
        device.unsubscribe(Feature.C2D);
        registry.create("d");
        c2d.send("d", C2dMessage.of("x").messageId("fresh"));
        assertThat(link).isEmpty();
        assertThatThrownBy(() -> c2d.awaitOutcome("fresh", C2dOutcome.DELIVERED, Duration.ofMillis(10)))
                .hasMessageContaining("the device is not connected");
    }

    @Test
    void aDuplicateOrLateAckChangesNothing() {
        c2d.send("d", C2dMessage.of("x").messageId("a").ack(AckMode.FULL));
        attach(true);
        long seq = link.get(0).sequence();
        c2d.complete("d", seq);
        c2d.complete("d", seq);
        assertThat(c2d.find("a").orElseThrow().outcomes()).containsExactly(C2dOutcome.ENQUEUED, C2dOutcome.DELIVERED,
                C2dOutcome.COMPLETED);
        assertThat(feedback.records()).hasSize(1).first().extracting(FeedbackRecord::status).isEqualTo(FeedbackStatus.SUCCESS);
    }

    @Test
    void countsDeliveredButUnacknowledgedMessagesAgainstTheQueueDepth() {
        attach(true);
        for (int i = 0; i < 50; i++) {
            c2d.send("d", C2dMessage.of("x"));
        }
        assertThatThrownBy(() -> c2d.send("d", C2dMessage.of("x"))).isInstanceOf(QueueFullException.class)
                .extracting(e -> ((C2dSendException) e).errorCode()).isEqualTo(403004);
        c2d.complete("d", link.get(0).sequence());
        c2d.send("d", C2dMessage.of("x"));
    }

    @Test
    void expiresAMessageThatWasHeldByTheDeviceWhenItsTimeCameOnceItComesBack() {
        c2d.send("d", C2dMessage.of("x").messageId("held").ack(AckMode.NEGATIVE));
        attach(true);
        clock.advance(Duration.ofHours(2));
        c2d.expireDue();
        assertThat(c2d.find("held").orElseThrow().outcome()).isEqualTo(C2dOutcome.DELIVERED);
        device.disconnect();
        assertThat(c2d.find("held").orElseThrow().outcome()).isEqualTo(C2dOutcome.EXPIRED);
        assertThat(feedback.records()).extracting(FeedbackRecord::status).containsExactly(FeedbackStatus.EXPIRED);
    }

    @Test
    void neverDeliversAMessageSentAlreadyExpired() {
        attach(true);
        c2d.send("d", C2dMessage.of("x").messageId("late").expiryTime(clock.now().minusSeconds(1)));
        assertThat(link).isEmpty();
        assertThat(c2d.find("late").orElseThrow().outcome()).isEqualTo(C2dOutcome.EXPIRED);
    }

    @Test
    void purgeRemovesEverythingAndReportsPurgedForNegativeAcks() {
        c2d.send("d", C2dMessage.of("x").messageId("p1").ack(AckMode.FULL));
        c2d.send("d", C2dMessage.of("x").messageId("p2").ack(AckMode.POSITIVE));
        assertThat(c2d.purge("d")).isEqualTo(2);
        assertThat(c2d.queued("d")).isEmpty();
        assertThat(feedback.records()).extracting(FeedbackRecord::originalMessageId).containsExactly("p1");
    }

    @Test
    void deletingADeviceDropsItsMessagesAndItsPendingFeedback() {
        c2d.send("d", C2dMessage.of("x").messageId("e1").ack(AckMode.FULL).expiryTime(clock.now().plusSeconds(1)));
        clock.advance(Duration.ofSeconds(2));
        c2d.expireDue();
        c2d.send("d", C2dMessage.of("x").messageId("q"));
        assertThat(feedback.pending()).isEqualTo(1);
        registry.delete("d");
        c2d.deviceDeleted("d");
        assertThat(feedback.pending()).isZero();
        assertThat(c2d.find("q").orElseThrow().outcome()).isEqualTo(C2dOutcome.PURGED);
    }

    @Test
    void refusesUnknownAndDisabledDevicesAndOversizeMessagesCountingPropertiesToo() {
        assertThatThrownBy(() -> c2d.send("nobody", C2dMessage.of("x"))).isInstanceOf(DeviceNotFoundException.class);
        registry.disable("d");
        assertThatThrownBy(() -> c2d.send("d", C2dMessage.of("x"))).isInstanceOf(DeviceNotFoundException.class)
                .hasMessageContaining("disabled");
        registry.enable("d");
        C2dMessage exactly = C2dMessage.of(new byte[64 * 1024 - 4]).messageId("ab").property("c", "d");
        assertThat(exactly.size()).isEqualTo(64 * 1024);
        c2d.send("d", exactly);
        assertThatThrownBy(() -> c2d.send("d", exactly.property("e", ""))).isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void aFailedAwaitSaysWhatHappenedInstead() {
        c2d.send("d", C2dMessage.of("x").messageId("w"));
        assertThatThrownBy(() -> c2d.awaitOutcome("w", C2dOutcome.COMPLETED, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected message 'w' to be COMPLETED")
                .hasMessageContaining("it is ENQUEUED")
                .hasMessageContaining("the device is not connected");
        assertThatThrownBy(() -> c2d.awaitOutcome("nope", C2dOutcome.COMPLETED, Duration.ofMillis(10)))
                .hasMessageContaining("no message with that id was sent; latest sent: [w]");
    }
}
