package io.github.iothubkit.fakehub.assertj;

import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.FeedbackStatus;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import io.github.iothubkit.fakehub.telemetry.Recorded;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An assertion on something the hub's history retention dropped fails saying so, not "never sent". */
class RetentionAssertionsTest {

    private static FakeIotHub hub;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().autoHost().mqttPort(0).amqpPort(0).historyLimit(1).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @BeforeEach
    void fresh() {
        hub.reset();
        hub.devices().create("dev");
    }

    private static String failure(Runnable assertion) {
        AssertionError e = catchThrowableOfType(AssertionError.class, assertion::run);
        assertThat(e).as("the assertion should have failed").isNotNull();
        return e.getMessage();
    }

    @Test
    void c2dAndFeedbackAssertionsOnADroppedMessageSayRetentionDroppedIt() {
        hub.cloudToDevice().send("dev", C2dMessage.of("x").messageId("first").ack(AckMode.FULL));
        hub.cloudToDevice().send("dev", C2dMessage.of("x").messageId("second").ack(AckMode.FULL));
        hub.cloudToDevice().purge("dev"); // both finish; the history keeps one

        assertThat(hub).c2d("second").hasOutcome(C2dOutcome.PURGED).now();
        assertThat(failure(() -> assertThat(hub).c2d("first").hasOutcome(C2dOutcome.PURGED).now()))
                .startsWith("Expected C2D message 'first' to be PURGED within 0 ms, but retention dropped it from the"
                        + " history (the hub keeps the last 1 finished C2D messages and has dropped 1 so far).");
        assertThat(hub).feedback("second").hasStatus(FeedbackStatus.PURGED).now();
        assertThat(failure(() -> assertThat(hub).feedback("first").hasStatus(FeedbackStatus.PURGED).now()))
                .contains("Feedback for that message id: retention dropped it from the history",
                        "As for the C2D message, retention dropped it from the history");
        assertThat(failure(() -> assertThat(hub).device("dev").receivedC2d().isNotEmpty()))
                .contains("Retention dropped 1 older finished C2D messages");
    }

    @Test
    void telemetryAssertionsSayHowManyMessagesOfTheDeviceWereDropped() {
        for (String id : new String[] {"t1", "t2"}) {
            Recorded.record(hub.telemetry(), new TelemetryMessage("dev", "devices/dev/messages/events/",
                    "{}".getBytes(StandardCharsets.UTF_8), Map.of("$.mid", id), Map.of(), hub.clock().now()));
        }
        assertThat(failure(() -> assertThat(hub).telemetry("dev").hasReceived(2).now()))
                .contains("received 1", "Retention dropped 1 older messages of this device");
        assertThat(failure(() -> assertThat(hub).telemetry("dev").hasMessageMatching(m -> "t1".equals(m.messageId()))
                .now())).contains("Retention dropped 1 older messages of this device");
        assertThat(failure(() -> assertThat(hub).telemetry("dev").messages().hasSize(2)))
                .contains("Retention dropped 1 older messages of this device");
    }
}
