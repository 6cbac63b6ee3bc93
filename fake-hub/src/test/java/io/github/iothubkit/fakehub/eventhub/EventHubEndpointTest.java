package io.github.iothubkit.fakehub.eventhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Retention;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The endpoint's rules without a wire: partitioning, numbering, retention, readers and epochs. */
class EventHubEndpointTest {

    private final HubClock clock = HubClock.manual(Instant.parse("2030-01-01T00:00:00Z"));
    private final DeviceRegistry registry = new DeviceRegistry("127.0.0.1");

    private EventHubEndpoint endpoint(int partitions, Retention retention) {
        return new EventHubEndpoint("hub", partitions, clock, registry, retention);
    }

    private static TelemetryMessage message(String device, String id) {
        return new TelemetryMessage(device, "devices/" + device + "/messages/events/", id.getBytes(StandardCharsets.UTF_8),
                Map.of("$.mid", id), Map.of(), Instant.EPOCH);
    }

    @Test
    void aDeviceAlwaysLandsInOnePartitionNumberedFromZero() {
        EventHubEndpoint hub = endpoint(4, Retention.DEFAULT);
        List<HubEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMillis(10));
            events.add(hub.enqueue(message("d1", "m" + i)));
        }
        assertThat(events).extracting(HubEvent::partitionId).containsOnly(hub.partitionOf("d1"));
        assertThat(events).extracting(HubEvent::sequenceNumber).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(events).extracting(HubEvent::offset).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(4).enqueuedTime()).isEqualTo(clock.now());
        assertThat(hub.partitionIds()).containsExactly("0", "1", "2", "3");
    }

    @Test
    void retentionDropsTheOldestByCountAndAge() {
        EventHubEndpoint hub = endpoint(1, new Retention(3, Duration.ofMinutes(1)));
        for (int i = 0; i < 5; i++) {
            hub.enqueue(message("d", "m" + i));
        }
        assertThat(hub.events("0")).extracting(HubEvent::messageId).containsExactly("m2", "m3", "m4");
        PartitionProperties p = hub.partitionProperties("0");
        assertThat(p.beginSequenceNumber()).isEqualTo(2);
        assertThat(p.lastEnqueuedSequenceNumber()).isEqualTo(4);

        clock.advance(Duration.ofMinutes(2));
        assertThat(hub.events("0")).isEmpty();
        assertThat(hub.partitionProperties("0").empty()).isTrue();
        assertThat(hub.partitionProperties("0").lastEnqueuedSequenceNumber()).isEqualTo(4);
    }

    @Test
    void aReaderBehindRetentionGoesOnFromTheOldestKept() {
        EventHubEndpoint hub = endpoint(1, new Retention(2, null));
        EventReader reader = hub.open("$Default", "0", EventPosition.EARLIEST, null, () -> { }, r -> { });
        for (int i = 0; i < 4; i++) {
            hub.enqueue(message("d", "m" + i));
        }
        assertThat(reader.take(10)).extracting(HubEvent::messageId).containsExactly("m2", "m3");
        assertThat(reader.take(10)).isEmpty();
    }

    @Test
    void anEpochReaderStealsFromLowerAndPlainReadersAndRefusesThemAfterwards() {
        EventHubEndpoint hub = endpoint(2, Retention.DEFAULT);
        List<String> stolen = new ArrayList<>();
        hub.open("$default", "0", EventPosition.LATEST, null, () -> { }, stolen::add);
        hub.open("$Default", "0", EventPosition.LATEST, 5L, () -> { }, stolen::add);
        assertThat(stolen).hasSize(1).allMatch(s -> s.contains("higher epoch of '5'"));

        assertThatThrownBy(() -> hub.open("$Default", "0", EventPosition.LATEST, 4L, () -> { }, r -> { }))
                .isInstanceOf(ReaderRefusedException.class).extracting("reason")
                .isEqualTo(ReaderRefusedException.Reason.EPOCH_TAKEN);
        assertThatThrownBy(() -> hub.open("$Default", "0", EventPosition.LATEST, null, () -> { }, r -> { }))
                .extracting("reason").isEqualTo(ReaderRefusedException.Reason.EPOCH_TAKEN);
        hub.open("$Default", "0", EventPosition.LATEST, 5L, () -> { }, stolen::add); // equal epoch takes over
        assertThat(stolen).hasSize(2);
        // another partition is another owner
        hub.open("$Default", "1", EventPosition.LATEST, null, () -> { }, r -> { });
    }

    @Test
    void atMostFivePlainReadersPerPartitionAndGroup() {
        EventHubEndpoint hub = endpoint(1, Retention.DEFAULT);
        hub.createConsumerGroup("other");
        for (int i = 0; i < 5; i++) {
            hub.open("$Default", "0", EventPosition.EARLIEST, null, () -> { }, r -> { });
        }
        assertThatThrownBy(() -> hub.open("$Default", "0", EventPosition.EARLIEST, null, () -> { }, r -> { }))
                .extracting("reason").isEqualTo(ReaderRefusedException.Reason.TOO_MANY_READERS);
        hub.open("OTHER", "0", EventPosition.EARLIEST, null, () -> { }, r -> { });
    }

    @Test
    void unknownGroupOrPartitionIsNotFound() {
        EventHubEndpoint hub = endpoint(2, Retention.DEFAULT);
        assertThatThrownBy(() -> hub.open("nope", "0", EventPosition.EARLIEST, null, () -> { }, r -> { }))
                .extracting("reason").isEqualTo(ReaderRefusedException.Reason.NOT_FOUND);
        assertThatThrownBy(() -> hub.open("$Default", "2", EventPosition.EARLIEST, null, () -> { }, r -> { }))
                .extracting("reason").isEqualTo(ReaderRefusedException.Reason.NOT_FOUND);
    }

    @Test
    void positionsResolveInclusiveAndExclusive() {
        EventHubEndpoint hub = endpoint(1, Retention.DEFAULT);
        List<HubEvent> e = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(1));
            e.add(hub.enqueue(message("d", "m" + i)));
        }
        assertThat(first(hub, EventPosition.fromOffset(e.get(1).offset(), false))).isEqualTo(2);
        assertThat(first(hub, EventPosition.fromOffset(e.get(1).offset(), true))).isEqualTo(1);
        assertThat(first(hub, EventPosition.fromSequenceNumber(0, false))).isEqualTo(1);
        assertThat(first(hub, EventPosition.fromEnqueuedTime(e.get(2).enqueuedTime(), true))).isEqualTo(2);
        assertThat(first(hub, EventPosition.fromEnqueuedTime(e.get(2).enqueuedTime(), false))).isEqualTo(3);
        EventReader latest = hub.open("$Default", "0", EventPosition.LATEST, null, () -> { }, r -> { });
        assertThat(latest.take(10)).isEmpty();
        hub.enqueue(message("d", "after"));
        assertThat(latest.take(10)).extracting(HubEvent::messageId).containsExactly("after");
    }

    @Test
    void resetForgetsEventsAndNumbersFromZeroAgain() {
        EventHubEndpoint hub = endpoint(1, Retention.DEFAULT);
        hub.enqueue(message("d", "a"));
        hub.reset();
        assertThat(hub.events("0")).isEmpty();
        assertThat(hub.enqueue(message("d", "b")).sequenceNumber()).isZero();
    }

    private static long first(EventHubEndpoint hub, EventPosition position) {
        EventReader r = hub.open("$Default", "0", position, null, () -> { }, x -> { });
        try {
            return r.take(1).get(0).sequenceNumber();
        } finally {
            r.close();
        }
    }
}
