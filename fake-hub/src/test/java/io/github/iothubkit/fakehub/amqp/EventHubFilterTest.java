package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.eventhub.EventPosition;
import io.github.iothubkit.fakehub.eventhub.HubEvent;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.junit.jupiter.api.Test;

/** The selector filters the Event Hubs clients send, and the annotation types they require of an event. */
class EventHubFilterTest {

    @Test
    void parsesEveryFormTheClientsSend() {
        assertThat(EventHubPartitionNode.parse("amqp.annotation.x-opt-offset > '-1'")).isEqualTo(EventPosition.EARLIEST);
        assertThat(EventHubPartitionNode.parse("amqp.annotation.x-opt-offset > '@latest'")).isEqualTo(EventPosition.LATEST);
        assertThat(EventHubPartitionNode.parse("amqp.annotation.x-opt-offset >= '128'"))
                .isEqualTo(EventPosition.fromOffset(128, true));
        assertThat(EventHubPartitionNode.parse("amqp.annotation.x-opt-sequence-number > '7'"))
                .isEqualTo(EventPosition.fromSequenceNumber(7, false));
        assertThat(EventHubPartitionNode.parse("amqp.annotation.x-opt-enqueued-time >= '1700000000000'"))
                .isEqualTo(EventPosition.fromEnqueuedTime(Instant.ofEpochMilli(1700000000000L), true));
        // Python and Node spell it the same, with other spacing or case
        assertThat(EventHubPartitionNode.parse("amqp.annotation.X-OPT-SEQUENCE-NUMBER>='3'"))
                .isEqualTo(EventPosition.fromSequenceNumber(3, true));
        assertThatThrownBy(() -> EventHubPartitionNode.parse("amqp.annotation.x-opt-offset > 'abc'"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventHubPartitionNode.parse("sys.foo = 1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eventAnnotationsHaveTheExactTypesTheJavaClientCasts() {
        HubEvent e = new HubEvent("1", 9, 4096, Instant.ofEpochMilli(1000), "{}", "gen",
                new TelemetryMessage("dev", "devices/dev/messages/events/", new byte[] {1},
                        Map.of("$.mid", "m", "$.uid", "u"), Map.of("iothub-connection-device-id", "spoof", "k", "v"),
                        Instant.ofEpochMilli(1000)));
        var message = EventHubPartitionNode.message(e);
        Map<Symbol, Object> a = message.getMessageAnnotations().getValue();
        assertThat(a.get(Symbol.valueOf("x-opt-offset"))).isEqualTo("4096");
        assertThat(a.get(Symbol.valueOf("x-opt-sequence-number"))).isEqualTo(9L);
        assertThat(a.get(Symbol.valueOf("x-opt-enqueued-time"))).isEqualTo(new Date(1000));
        assertThat(a.get(Symbol.valueOf("iothub-connection-device-id"))).isEqualTo("dev");
        assertThat(message.getApplicationProperties().getValue()).containsOnlyKeys("k");
        assertThat(message.getBody()).isInstanceOf(Data.class);
        assertThat(message.getMessageId()).isEqualTo("m");
    }
}
