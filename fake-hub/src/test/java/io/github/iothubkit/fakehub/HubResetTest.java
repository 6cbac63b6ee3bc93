package io.github.iothubkit.fakehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.fault.ConnectRefusal;
import io.github.iothubkit.fakehub.fault.Fault;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import io.github.iothubkit.fakehub.telemetry.Recorded;
import io.github.iothubkit.fakehub.internal.HubInternals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** reset(): everything a test could leave behind is gone, the ports are the same, and the hub works on. */
class HubResetTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static FakeIotHub hub;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().host("127.0.0.83").clock(HubClock.manual(START)).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static Mqtt3BlockingClient connect(DeviceIdentity device) {
        Mqtt3BlockingClient client = Mqtt3Client.builder().identifier(device.deviceId()).serverHost(hub.host())
                .serverPort(hub.mqttsPort())
                .sslConfig().trustManagerFactory(hub.trust().trustManagerFactory()).applySslConfig()
                .simpleAuth().username(hub.host() + "/" + device.deviceId() + "/?api-version=2021-04-12")
                .password(SasToken.create(hub.host() + "/devices/" + device.deviceId(), null, device.primaryKey(),
                        Instant.now().plusSeconds(3600)).getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildBlocking();
        client.connectWith().cleanSession(false).send();
        return client;
    }

    @Test
    void clearsDevicesConnectionsQueuesTelemetryFeedbackFaultsAndTheClock() {
        DeviceIdentity dev = hub.devices().create("dev1");
        Mqtt3BlockingClient client = connect(dev);
        hub.cloudToDevice().send("dev1", C2dMessage.of("x").messageId("m1").ack(AckMode.FULL));
        hub.cloudToDevice().send("dev1", C2dMessage.of("y").messageId("m2").ack(AckMode.FULL)
                .expiryTime(START.plusSeconds(10)));
        hub.clock().advance(Duration.ofMinutes(1)); // m2 expires: negative feedback in journal and outbox
        Recorded.record(hub.telemetry(), new TelemetryMessage("dev1", "t", new byte[0], Map.of(), Map.of(), hub.clock().now()));
        hub.faults().inject("dev1", Fault.refuseConnect(ConnectRefusal.SERVER_UNAVAILABLE));
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.isConnected("dev1")); // attached just after CONNACK
        assertThat(HubInternals.context(hub).feedbackOutbox().pending()).isEqualTo(1);
        int mqttPort = hub.mqttsPort();
        int amqpPort = hub.amqpsPort();

        hub.reset();

        assertThat(hub.isConnected("dev1")).isFalse(); // already processed when reset() returns
        assertThat(hub.devices().list()).isEmpty();
        assertThat(hub.cloudToDevice().records()).isEmpty();
        assertThat(hub.cloudToDevice().queued("dev1")).isEmpty();
        assertThat(hub.telemetry().messages()).isEmpty();
        assertThat(hub.feedback().records()).isEmpty();
        assertThat(HubInternals.context(hub).feedbackOutbox().pending()).isZero();
        assertThat(hub.faults().describe()).isEmpty();
        assertThat(hub.clock().now()).isEqualTo(START);
        assertThat(hub.mqttsPort()).isEqualTo(mqttPort);
        assertThat(hub.amqpsPort()).isEqualTo(amqpPort);
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.getState().isConnected());

        // and it works on: same id, new keys, no leftover refusal, messages flow again
        DeviceIdentity again = hub.devices().create("dev1");
        Mqtt3BlockingClient second = connect(again);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.isConnected("dev1"));
            hub.cloudToDevice().send("dev1", C2dMessage.of("z").messageId("m3"));
            assertThat(hub.cloudToDevice().find("m3").orElseThrow().outcome()).isEqualTo(C2dOutcome.ENQUEUED);
        } finally {
            second.disconnect();
        }
    }

    @Test
    void aSystemClockIsLeftAlone() {
        HubClock system = HubClock.system();
        assertThat(system.reset()).isSameAs(system);
        assertThat(system.isManual()).isFalse();
    }
}
