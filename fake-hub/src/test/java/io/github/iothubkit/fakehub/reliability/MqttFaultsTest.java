package io.github.iothubkit.fakehub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.security.MqttWire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Device connections that die mid-delivery, before or after their PUBACK, and devices that never ack:
 * at-least-once holds (nothing accepted is lost) and nothing is completed twice.
 */
class MqttFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static FakeIotHub hub;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().host("127.0.0.101").start();
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

    /** Every message's outcomes hold COMPLETED exactly once, as the last outcome. */
    static void assertCompletedOnce(C2dRecord r) {
        assertThat(r.outcome()).as(r.toString()).isEqualTo(C2dOutcome.COMPLETED);
        assertThat(Collections.frequency(r.outcomes(), C2dOutcome.COMPLETED)).as(r.toString()).isEqualTo(1);
    }

    @Test
    void aConnectionResetBeforePubackGetsItsHeldMessagesAgainWithDupAndInOrder() throws Exception {
        DeviceIdentity dev = hub.devices().create("reset-before");
        MqttWire first = MqttWire.connected(hub, "reset-before", dev.primaryKey(), 60);
        first.subscribeC2d("reset-before");
        for (int i = 0; i < 15; i++) {
            hub.cloudToDevice().send("reset-before", C2dMessage.of("m" + i).messageId("rb" + i));
        }
        List<MqttWire.Packet> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // the hub holds at most 10 unacknowledged
            held.add(first.read());
        }
        for (int i = 0; i < 4; i++) {
            first.puback(held.get(i).packetId());
        }
        hub.cloudToDevice().awaitOutcome("rb3", C2dOutcome.COMPLETED, WAIT);
        first.reset(); // no DISCONNECT: a crash or a cut cable
        await().atMost(WAIT).until(() -> !hub.isConnected("reset-before"));

        // cleanSession=0: the subscription survives, so the device just reconnects and receives
        try (MqttWire second = MqttWire.connected(hub, "reset-before", dev.primaryKey(), 60)) {
            for (int i = 4; i < 15; i++) {
                MqttWire.Packet p = second.read();
                assertThat(p.topic()).contains("%24.mid=rb" + i + "&");
                // rb10-rb13 went out on the first connection too, as the four acks freed room for them
                assertThat(p.duplicate()).as("DUP of rb%d", i).isEqualTo(i < 14);
                second.puback(p.packetId());
            }
            hub.cloudToDevice().awaitOutcome("rb14", C2dOutcome.COMPLETED, WAIT);
        }
        List<C2dRecord> records = hub.cloudToDevice().records();
        assertThat(records).hasSize(15).allSatisfy(MqttFaultsTest::assertCompletedOnce);
        assertThat(records).extracting(C2dRecord::deliveryCount)
                .containsExactly(1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1);
    }

    /**
     * The Java device SDK keeps its "received, to acknowledge" map across a reconnect: a message it got on
     * one connection is PUBACKed, with that connection's packet id, on the next one. That PUBACK must not
     * complete whichever other message carries the same id on the new connection.
     */
    @Test
    void aLatePubackWithAPacketIdOfThePreviousConnectionDoesNotCompleteAnotherMessage() throws Exception {
        DeviceIdentity dev = hub.devices().create("late-ack");
        int staleId;
        try (MqttWire first = MqttWire.connected(hub, "late-ack", dev.primaryKey(), 60)) {
            first.subscribeC2d("late-ack");
            for (String id : List.of("A", "B", "C")) {
                hub.cloudToDevice().send("late-ack", C2dMessage.of(id).messageId(id));
            }
            first.puback(first.read().packetId()); // A
            first.puback(first.read().packetId()); // B
            staleId = first.read().packetId(); // C: the app is still working on it when the line drops
            hub.cloudToDevice().awaitOutcome("B", C2dOutcome.COMPLETED, WAIT);
            first.reset();
        }
        await().atMost(WAIT).until(() -> !hub.isConnected("late-ack"));
        try (MqttWire second = MqttWire.connected(hub, "late-ack", dev.primaryKey(), 60)) {
            hub.cloudToDevice().send("late-ack", C2dMessage.of("D").messageId("D"));
            hub.cloudToDevice().send("late-ack", C2dMessage.of("E").messageId("E"));
            hub.cloudToDevice().send("late-ack", C2dMessage.of("F").messageId("F"));
            hub.cloudToDevice().awaitOutcome("F", C2dOutcome.DELIVERED, WAIT);
            second.puback(staleId); // the app finished C and acks it with the old id
            second.puback(second.read().packetId()); // C again (DUP): this ack is the one that completes it
            hub.cloudToDevice().awaitOutcome("C", C2dOutcome.COMPLETED, WAIT);
            second.reset(); // D, E and F not processed
        }
        assertThat(hub.cloudToDevice().queued("late-ack")).extracting(C2dRecord::messageId)
                .as("nothing the device never processed is completed").containsExactly("D", "E", "F");
        try (MqttWire third = MqttWire.connected(hub, "late-ack", dev.primaryKey(), 60)) {
            for (String id : List.of("D", "E", "F")) {
                MqttWire.Packet p = third.read();
                assertThat(p.topic()).contains("%24.mid=" + id + "&");
                third.puback(p.packetId());
            }
            hub.cloudToDevice().awaitOutcome("F", C2dOutcome.COMPLETED, WAIT);
        }
        assertThat(hub.cloudToDevice().records()).allSatisfy(MqttFaultsTest::assertCompletedOnce);
    }

    @Test
    void aConnectionResetRightAfterPubackNeverGetsTheCompletedMessageAgain() throws Exception {
        DeviceIdentity dev = hub.devices().create("reset-after");
        try (MqttWire first = MqttWire.connected(hub, "reset-after", dev.primaryKey(), 60)) {
            first.subscribeC2d("reset-after");
            hub.cloudToDevice().send("reset-after", C2dMessage.of("once").messageId("once"));
            first.puback(first.read().packetId());
            hub.cloudToDevice().awaitOutcome("once", C2dOutcome.COMPLETED, WAIT);
            first.reset();
        }
        await().atMost(WAIT).until(() -> !hub.isConnected("reset-after"));
        try (MqttWire second = MqttWire.connected(hub, "reset-after", dev.primaryKey(), 60)) {
            hub.cloudToDevice().send("reset-after", C2dMessage.of("next").messageId("next"));
            MqttWire.Packet p = second.read(); // FIFO: a redelivered "once" would come first
            assertThat(p.topic()).contains("%24.mid=next&");
            second.puback(p.packetId());
            hub.cloudToDevice().awaitOutcome("next", C2dOutcome.COMPLETED, WAIT);
        }
        assertThat(hub.cloudToDevice().find("once").orElseThrow().deliveryCount()).isEqualTo(1);
        assertThat(hub.cloudToDevice().records()).allSatisfy(MqttFaultsTest::assertCompletedOnce);
    }

    @Test
    void aResetRacingThePubackCompletesTheMessageExactlyOnceEitherWay() throws Exception {
        DeviceIdentity dev = hub.devices().create("reset-race");
        for (int round = 0; round < 20; round++) {
            try (MqttWire wire = MqttWire.connected(hub, "reset-race", dev.primaryKey(), 60)) {
                if (round == 0) {
                    wire.subscribeC2d("reset-race");
                }
                hub.cloudToDevice().send("reset-race", C2dMessage.of("r").messageId("race" + round));
                MqttWire.Packet p = wire.read();
                while (!p.topic().contains("%24.mid=race" + round + "&")) { // a redelivery of the previous round
                    assertThat(p.duplicate()).isTrue();
                    wire.puback(p.packetId());
                    p = wire.read();
                }
                wire.puback(p.packetId());
                wire.reset(); // the PUBACK may or may not be read before the reset
            }
            await().atMost(WAIT).until(() -> !hub.isConnected("reset-race"));
        }
        try (MqttWire last = MqttWire.connected(hub, "reset-race", dev.primaryKey(), 60)) {
            hub.cloudToDevice().send("reset-race", C2dMessage.of("end").messageId("race-end"));
            MqttWire.Packet p;
            do {
                p = last.read();
                last.puback(p.packetId());
            } while (!p.topic().contains("%24.mid=race-end&"));
            hub.cloudToDevice().awaitOutcome("race-end", C2dOutcome.COMPLETED, WAIT);
        }
        assertThat(hub.cloudToDevice().records()).hasSize(21).allSatisfy(MqttFaultsTest::assertCompletedOnce);
    }

    @Test
    void aDeviceThatNeverAcksKeepsItsMessagesDeliveredWithoutResendUntilItReconnects() throws Exception {
        DeviceIdentity dev = hub.devices().create("never-acks");
        DeviceIdentity other = hub.devices().create("bystander");
        try (MqttWire silent = MqttWire.connected(hub, "never-acks", dev.primaryKey(), 60);
             MqttWire bystander = MqttWire.connected(hub, "bystander", other.primaryKey(), 60)) {
            silent.subscribeC2d("never-acks");
            bystander.subscribeC2d("bystander");
            for (int i = 0; i < 12; i++) {
                hub.cloudToDevice().send("never-acks", C2dMessage.of("n").messageId("na" + i));
            }
            for (int i = 0; i < 10; i++) {
                assertThat(silent.read().topic()).contains("%24.mid=na" + i + "&");
            }
            // Past Moquette's own 5-second resend timer: the hub resends nothing on a live connection
            // and keeps the rest queued behind the 10 it holds, while the other device is served.
            hub.cloudToDevice().send("bystander", C2dMessage.of("b").messageId("by1"));
            bystander.puback(bystander.read().packetId());
            hub.cloudToDevice().awaitOutcome("by1", C2dOutcome.COMPLETED, WAIT);
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(() ->
                    hub.cloudToDevice().queued("never-acks").stream().allMatch(r -> r.deliveryCount() <= 1));
            assertThat(silent.awaitClosed(Duration.ofMillis(200))).as("still connected, nothing more sent").isFalse();
            List<C2dRecord> queued = hub.cloudToDevice().queued("never-acks");
            assertThat(queued).hasSize(12);
            assertThat(queued.subList(0, 10)).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(C2dOutcome.DELIVERED));
            assertThat(queued.subList(10, 12)).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(C2dOutcome.ENQUEUED));

            hub.disconnect("never-acks");
            assertThat(silent.awaitClosed(WAIT)).isTrue();
        }
        try (MqttWire back = MqttWire.connected(hub, "never-acks", dev.primaryKey(), 60)) {
            for (int i = 0; i < 12; i++) {
                MqttWire.Packet p = back.read();
                assertThat(p.topic()).contains("%24.mid=na" + i + "&");
                back.puback(p.packetId());
            }
            hub.cloudToDevice().awaitOutcome("na11", C2dOutcome.COMPLETED, WAIT);
        }
        assertThat(hub.cloudToDevice().records()).allSatisfy(MqttFaultsTest::assertCompletedOnce);
        assertThat(hub.cloudToDevice().records()).filteredOn(r -> r.deviceId().equals("never-acks"))
                .extracting(C2dRecord::deliveryCount).containsExactly(2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1);
    }

    @Test
    void sdkDevicesDisconnectedByTheHubMidDeliveryReceiveEverythingAtLeastOnceInOrder() throws Exception {
        int devices = 4;
        int perDevice = 40;
        List<DeviceClient> clients = new ArrayList<>();
        List<ConcurrentLinkedQueue<String>> seen = new ArrayList<>();
        ExecutorService killer = Executors.newSingleThreadExecutor();
        AtomicInteger kills = new AtomicInteger();
        try {
            for (int d = 0; d < devices; d++) {
                String id = "flaky" + d;
                DeviceIdentity dev = hub.devices().create(id);
                DeviceClient client = new DeviceClient(dev.connectionString(), IotHubClientProtocol.MQTT,
                        ClientOptions.builder().sslContext(hub.trust().sslContext()).build());
                ConcurrentLinkedQueue<String> mine = new ConcurrentLinkedQueue<>();
                AtomicInteger count = new AtomicInteger();
                client.setMessageCallback((m, ctx) -> {
                    mine.add(m.getMessageId());
                    // cut the connection while this ack is under way, five times per device
                    if (count.incrementAndGet() % 7 == 0 && count.get() <= 35 && !killer.isShutdown()) {
                        killer.submit(() -> {
                            if (hub.disconnect(id)) {
                                kills.incrementAndGet();
                            }
                        });
                    }
                    return IotHubMessageResult.COMPLETE;
                }, null);
                client.open(true);
                clients.add(client);
                seen.add(mine);
            }
            for (int i = 0; i < perDevice; i++) {
                for (int d = 0; d < devices; d++) {
                    hub.cloudToDevice().send("flaky" + d, C2dMessage.of("x").messageId("flaky" + d + "-" + i));
                }
            }
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(hub.cloudToDevice().records())
                    .filteredOn(r -> r.outcome() != C2dOutcome.COMPLETED).as("not completed").isEmpty());
            assertThat(hub.cloudToDevice().records()).hasSize(devices * perDevice)
                    .allSatisfy(MqttFaultsTest::assertCompletedOnce);
            for (int d = 0; d < devices; d++) {
                Set<String> firstSeen = new LinkedHashSet<>(seen.get(d));
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < perDevice; i++) {
                    expected.add("flaky" + d + "-" + i);
                }
                assertThat(firstSeen).as("first arrivals at flaky%d", d).containsExactlyElementsOf(expected);
            }
            long duplicates = seen.stream().mapToLong(q -> q.size() - new LinkedHashSet<>(q).size()).sum();
            System.out.printf("MqttFaultsTest: %d hub-side disconnects, %d duplicate deliveries seen by the SDK%n",
                    kills.get(), duplicates);
            assertThat(kills.get()).isPositive();
        } finally {
            killer.shutdownNow();
            clients.forEach(DeviceClient::close);
        }
    }
}
