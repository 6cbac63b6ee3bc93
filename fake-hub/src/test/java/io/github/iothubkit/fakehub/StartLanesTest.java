package io.github.iothubkit.fakehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The first start runs MQTT beside AMQP and REST: a start that fails in either lane fails as the
 * one-after-the-other start did (MQTT's failure first) and leaves nothing bound. The hub-level cases run
 * in whichever mode this JVM is in (lanes on its first start, one lane after); the lanes themselves are
 * pinned directly.
 */
class StartLanesTest {

    private static final String HOST = "127.0.0.66";

    /** Not the warm marker: the two-lane path, whatever this JVM started before. */
    private static CompletableFuture<Void> coldVertx() {
        return CompletableFuture.completedFuture(null);
    }

    @Test
    void theVertxLaneRunsOnAnotherThreadAndBothHaveEndedWhenRunReturns() {
        AtomicReference<String> lane = new AtomicReference<>();
        AtomicReference<String> here = new AtomicReference<>();
        StartLanes.run(coldVertx(), () -> lane.set(Thread.currentThread().getName()),
                () -> here.set(Thread.currentThread().getName()));
        assertThat(here.get()).isEqualTo(Thread.currentThread().getName());
        assertThat(lane.get()).isEqualTo("fake-iot-hub-start");
    }

    @Test
    void whenBothLanesFailTheCallersFailureWinsAfterTheOtherLaneHasEnded() {
        AtomicBoolean laneEnded = new AtomicBoolean();
        CountDownLatch mqttFailed = new CountDownLatch(1);
        IllegalStateException mqtt = new IllegalStateException("mqtt");
        assertThatThrownBy(() -> StartLanes.run(coldVertx(), () -> {
            try {
                mqttFailed.await(10, TimeUnit.SECONDS); // still busy when the caller's lane fails
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            laneEnded.set(true);
            throw new IllegalArgumentException("amqp");
        }, () -> {
            mqttFailed.countDown();
            throw mqtt;
        })).isSameAs(mqtt);
        assertThat(laneEnded).isTrue();
    }

    @Test
    void aFailureOfTheVertxLaneAloneIsRethrownAsItself() {
        IllegalArgumentException amqp = new IllegalArgumentException("amqp");
        assertThatThrownBy(() -> StartLanes.run(coldVertx(), () -> {
            throw amqp;
        }, () -> { })).isSameAs(amqp);
        AssertionError error = new AssertionError("an Error stays an Error");
        assertThatThrownBy(() -> StartLanes.run(coldVertx(), () -> {
            throw error;
        }, () -> { })).isSameAs(error);
    }

    @Test
    void aTakenMqttPortFailsTheStartAndFreesTheOtherLanesPorts() throws Exception {
        int[] ports = freePorts(3);
        try (ServerSocket taken = bind(ports[0])) {
            assertThatThrownBy(() -> start(ports))
                    .isInstanceOf(FakeIotHubException.class).hasCauseInstanceOf(BindException.class)
                    .hasMessageStartingWith("MQTT port " + ports[0] + " is in use on " + HOST);
        }
        assertCanBind(ports[1], ports[2]);
    }

    @Test
    void aTakenAmqpPortFailsTheStartAndFreesMqtt() throws Exception {
        int[] ports = freePorts(3);
        try (ServerSocket taken = bind(ports[1])) {
            assertThatThrownBy(() -> start(ports))
                    .isInstanceOf(FakeIotHubException.class).hasCauseInstanceOf(BindException.class)
                    .hasMessageStartingWith("AMQP port " + ports[1] + " is in use on " + HOST);
        }
        assertCanBind(ports[0], ports[2]);
    }

    @Test
    void whenBothLanesFailMqttsFailureIsTheOneReported() throws Exception {
        int[] ports = freePorts(3);
        try (ServerSocket mqtt = bind(ports[0]); ServerSocket amqp = bind(ports[1])) {
            assertThatThrownBy(() -> start(ports)).hasMessageStartingWith("MQTT port " + ports[0] + " is in use");
        }
        assertCanBind(ports[2]);
    }

    @Test
    void aStartedHubServesEveryPortItAskedFor() throws Exception {
        int[] ports = freePorts(3);
        try (FakeIotHub hub = start(ports)) {
            assertThat(new int[] {hub.mqttsPort(), hub.amqpsPort(), hub.httpsPort()}).containsExactly(ports);
            for (int port : ports) {
                try (ServerSocket s = new ServerSocket()) {
                    assertThatThrownBy(() -> s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port)))
                            .as("port %d is served", port).isInstanceOf(BindException.class);
                }
            }
        }
        assertCanBind(ports);
    }

    private static FakeIotHub start(int[] ports) {
        return FakeIotHub.builder().host(HOST).mqttPort(ports[0]).amqpPort(ports[1]).httpsPort(ports[2]).start();
    }

    /** Ports free on HOST right now (the OS hands out distinct ephemeral ones while all are held). */
    private static int[] freePorts(int n) throws Exception {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                held.add(bind(0));
                ports[i] = held.get(i).getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private static ServerSocket bind(int port) throws Exception {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        return s;
    }

    private static void assertCanBind(int... ports) throws Exception {
        for (int port : ports) {
            bind(port).close(); // throws BindException if a failed or closed start left it bound
        }
    }
}
