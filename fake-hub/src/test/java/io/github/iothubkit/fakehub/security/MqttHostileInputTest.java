package io.github.iothubkit.fakehub.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and malformed MQTT input: bad credentials, foreign topics, wildcards, QoS 2, oversize and
 * malformed packets, garbage. Each gets IoT Hub's outcome (a CONNACK refusal or a closed connection), and
 * a bystander device stays connected and served throughout.
 */
class MqttHostileInputTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static FakeIotHub hub;
    private static final AtomicInteger BYSTANDER_MESSAGES = new AtomicInteger();
    private DeviceIdentity me;
    private DeviceIdentity other;
    private MqttWire bystander;
    private String bystanderId;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().host("127.0.0.104").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @BeforeEach
    void devices() throws IOException {
        hub.reset();
        me = hub.devices().create("me");
        other = hub.devices().create("other");
        // a fresh id per test: a device that reconnects while the hub still closes its previous socket
        // can be dropped once more right after CONNACK (the SDKs just retry); not what is tested here
        bystanderId = "bystander" + BYSTANDER_MESSAGES.incrementAndGet();
        DeviceIdentity b = hub.devices().create(bystanderId);
        bystander = MqttWire.connected(hub, bystanderId, b.primaryKey(), 60);
        bystander.subscribeC2d(bystanderId);
    }

    @AfterEach
    void bystanderStillServed() throws IOException {
        String id = "by" + BYSTANDER_MESSAGES.incrementAndGet();
        hub.cloudToDevice().send(bystanderId, C2dMessage.of("still here").messageId(id));
        MqttWire.Packet p = bystander.read();
        assertThat(p.topic()).startsWith("devices/" + bystanderId + "/messages/devicebound/%24.mid=" + id + "&");
        bystander.puback(p.packetId());
        hub.cloudToDevice().awaitOutcome(id, C2dOutcome.COMPLETED, WAIT);
        assertThat(hub.telemetry().messages()).allSatisfy(m -> assertThat(m.deviceId()).isIn("me", "under-limit"));
        bystander.close();
    }

    private int connack(String clientId, String password) throws IOException {
        try (MqttWire wire = MqttWire.open(hub)) {
            int code = wire.connect(clientId, password, 60);
            if (code != 0) {
                assertThat(wire.awaitClosed(WAIT)).as("closed after CONNACK %d", code).isTrue();
            }
            return code;
        }
    }

    private static String token(String resource, String key, Instant expiry) {
        return SasToken.create(resource, null, key, expiry);
    }

    @Test
    void badCredentialsGetConnack4AndUnknownDisabledOrForeignIdentitiesConnack5() throws IOException {
        Instant hour = Instant.now().plusSeconds(3600);
        String mine = "127.0.0.104/devices/me";
        String wrongSig = token(mine, me.primaryKey(), hour).replaceFirst("sig=[^&]+", "sig=AAAA");
        assertThat(connack("me", wrongSig)).as("wrong signature").isEqualTo(4);
        assertThat(connack("me", token(mine, other.primaryKey(), hour))).as("another device's key").isEqualTo(4);
        assertThat(connack("me", token(mine, me.primaryKey(), Instant.now().minusSeconds(5)))).as("expired").isEqualTo(4);
        assertThat(connack("me", "not a token")).as("garbage").isEqualTo(4);
        assertThat(connack("me", "")).as("empty").isEqualTo(4);
        assertThat(connack("me", token("evil.example.com/devices/me", me.primaryKey(), hour))).as("foreign audience")
                .isEqualTo(5);
        assertThat(connack("me", token("127.0.0.104/devices/other", other.primaryKey(), hour)))
                .as("client id is not the token's device").isEqualTo(5);
        assertThat(connack("ghost", token("127.0.0.104/devices/ghost", me.primaryKey(), hour))).as("unknown").isEqualTo(5);
        String serviceKey = key(hub.serviceConnectionString("service"));
        assertThat(connack("me", SasToken.create("127.0.0.104", "service", serviceKey, hour)))
                .as("a policy without DeviceConnect").isEqualTo(5);
        hub.devices().disable("me");
        assertThat(connack("me", token(mine, me.primaryKey(), hour))).as("disabled").isEqualTo(5);
        hub.devices().enable("me");
        String deviceKey = key(hub.serviceConnectionString("device"));
        assertThat(connack("me", SasToken.create("127.0.0.104/devices/me", "device", deviceKey, hour)))
                .as("the 'device' policy may connect any device").isEqualTo(0);
        assertThat(connack("me", token(mine, me.primaryKey(), hour))).isEqualTo(0);
    }

    static String key(String connectionString) {
        return connectionString.substring(connectionString.indexOf("SharedAccessKey=") + "SharedAccessKey=".length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"devices/other/messages/devicebound/#", "devices/+/messages/devicebound/#", "#",
        "devices/#", "+/+/+/+/#", "devices/me/messages/#", "devices/me/#", "$iothub/#", "devices/me/messages/events/#"})
    void aSubscriptionBeyondTheDevicesOwnTopicsClosesItsConnection(String filter) throws IOException {
        try (MqttWire wire = MqttWire.connected(hub, "me", me.primaryKey(), 60)) {
            wire.subscribe(7, filter.getBytes(StandardCharsets.UTF_8), 1);
            assertThat(wire.awaitClosed(WAIT)).as("closed, no SUBACK, for %s", filter).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"devices/other/messages/events/", "devices/other/messages/devicebound/x",
        "devices/me/messages/devicebound/x", "$iothub/methods/POST/x", "some/topic"})
    void aPublishOutsideTheDevicesTelemetryClosesItsConnection(String topic) throws IOException {
        try (MqttWire wire = MqttWire.connected(hub, "me", me.primaryKey(), 60)) {
            wire.publish(topic.getBytes(StandardCharsets.UTF_8), 3, "x".getBytes(StandardCharsets.UTF_8));
            assertThat(wire.awaitClosed(WAIT)).as("closed for %s", topic).isTrue();
        }
    }

    @Test
    void qos2PublishClosesTheConnectionAndAQos2SubscriptionIsGrantedQos1() throws IOException {
        try (MqttWire wire = MqttWire.connected(hub, "me", me.primaryKey(), 60)) {
            wire.subscribe(9, "devices/me/messages/devicebound/#".getBytes(StandardCharsets.UTF_8), 2);
            MqttWire.Packet suback = wire.read();
            assertThat(suback.type()).isEqualTo(9);
            assertThat(suback.body()[2]).isEqualTo((byte) 1);
            ByteArrayOutputStream qos2 = new ByteArrayOutputStream();
            byte[] topic = "devices/me/messages/events/".getBytes(StandardCharsets.UTF_8);
            qos2.writeBytes(new byte[] {0, (byte) topic.length});
            qos2.writeBytes(topic);
            qos2.writeBytes(new byte[] {0, 5, 'x'});
            wire.send(0x34, qos2.toByteArray());
            assertThat(wire.awaitClosed(WAIT)).isTrue();
        }
        assertThat(hub.telemetry().messages()).isEmpty();
    }

    @Test
    void telemetryOver256KbClosesTheConnectionWhetherInTheBodyOrInThePropertyBag() throws IOException {
        try (MqttWire wire = MqttWire.connected(hub, "me", me.primaryKey(), 60)) {
            wire.publish("devices/me/messages/events/".getBytes(StandardCharsets.UTF_8), 1, new byte[256 * 1024 + 1]);
            assertThat(wire.awaitClosed(WAIT)).isTrue();
        }
        try (MqttWire wire = MqttWire.connected(hub, "me", me.primaryKey(), 60)) {
            String bag = "devices/me/messages/events/k=" + "v".repeat(60_000); // a topic holds at most 65535 bytes
            wire.publish(bag.getBytes(StandardCharsets.UTF_8), 2, new byte[200 * 1024]);
            assertThat(wire.awaitClosed(WAIT)).isTrue();
        }
        DeviceIdentity fresh = hub.devices().create("under-limit");
        try (MqttWire wire = MqttWire.connected(hub, "under-limit", fresh.primaryKey(), 60)) {
            wire.publish("devices/under-limit/messages/events/".getBytes(StandardCharsets.UTF_8), 4,
                    new byte[256 * 1024 - 100]);
            MqttWire.Packet puback = wire.read();
            assertThat(puback.type()).as("just under the limit is fine").isEqualTo(4);
        }
        assertThat(hub.telemetry().messages()).singleElement()
                .satisfies(m -> assertThat(m.deviceId()).isEqualTo("under-limit"));
    }

    @Test
    void malformedPropertyBagsAreKeptAsSentAndTheConnectionLives() throws IOException {
        try (MqttWire wire = MqttWire.connected(hub, "me", me.primaryKey(), 60)) {
            String[] bags = {"%ZZ=%&&==&k", "$.mid", "a=b=c&%24.ct=%", "&&&", "k=%E2%82", "=v", "k=" + "%41".repeat(5000)};
            for (int i = 0; i < bags.length; i++) {
                wire.publish(("devices/me/messages/events/" + bags[i]).getBytes(StandardCharsets.UTF_8), 10 + i,
                        new byte[] {1});
                assertThat(wire.read().type()).as("PUBACK for bag %s", bags[i]).isEqualTo(4);
            }
            assertThat(hub.telemetry().messages("me")).hasSize(bags.length);
        }
    }

    /** MQTT 3.1.1 section 1.5.3: ill-formed UTF-8 or U+0000 in a string closes the connection. */
    @ParameterizedTest
    @ValueSource(strings = {"C328", "FF", "ED A0 80", "00"})
    void aTopicWithInvalidUtf8OrNulClosesTheConnection(String badHex) throws IOException {
        byte[] bad = java.util.HexFormat.of().parseHex(badHex.replace(" ", ""));
        ByteArrayOutputStream topic = new ByteArrayOutputStream();
        topic.writeBytes("devices/me/messages/events/k=".getBytes(StandardCharsets.UTF_8));
        topic.writeBytes(bad);
        try (MqttWire wire = MqttWire.connected(hub, "me", me.primaryKey(), 60)) {
            wire.publish(topic.toByteArray(), 5, new byte[] {1});
            assertThat(wire.awaitClosed(WAIT)).as("closed for bytes %s in a PUBLISH topic", badHex).isTrue();
        }
        ByteArrayOutputStream filter = new ByteArrayOutputStream();
        filter.writeBytes("devices/me/messages/devicebound/".getBytes(StandardCharsets.UTF_8));
        filter.writeBytes(bad);
        try (MqttWire wire = MqttWire.connected(hub, "me", me.primaryKey(), 60)) {
            wire.subscribe(6, filter.toByteArray(), 1);
            assertThat(wire.awaitClosed(WAIT)).as("closed for bytes %s in a SUBSCRIBE filter", badHex).isTrue();
        }
        assertThat(hub.telemetry().messages()).isEmpty();
    }

    @Test
    void garbageOnThePlainAndTheTlsPortIsDropped() throws IOException {
        byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        try (Socket plain = new Socket(hub.host(), hub.mqttsPort())) {
            plain.setSoTimeout((int) WAIT.toMillis());
            plain.getOutputStream().write(garbage);
            assertThat(readsToEnd(plain.getInputStream())).isTrue();
        }
        try (MqttWire tls = MqttWire.open(hub)) {
            tls.raw(garbage);
            assertThat(tls.awaitClosed(WAIT)).isTrue();
        }
    }

    /** Random bytes after a valid CONNECT close that connection only; seed printed for replay. */
    @Test
    void randomBytesAfterAValidConnectOnlyEverCloseThatConnection() throws IOException {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("MqttHostileInputTest fuzz seed: " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int round = 0; round < 40; round++) {
            try (MqttWire wire = MqttWire.connected(hub, "me", me.primaryKey(), 2)) {
                byte[] noise = new byte[1 + random.nextInt(round % 2 == 0 ? 64 : 4096)];
                random.nextBytes(noise);
                if (round % 4 == 0) {
                    noise[0] = (byte) (random.nextBoolean() ? 0x00 : 0xF0); // reserved packet types
                }
                wire.raw(noise);
                // keep-alive 2 s: whatever the noise was, the hub closes within 1.5 x keep-alive at most
                assertThat(wire.awaitClosed(WAIT)).as("round %d: connection closed", round).isTrue();
            }
        }
        assertThat(hub.isConnected(bystanderId)).isTrue();
    }

    private static boolean readsToEnd(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever the hub answers (a TLS alert) until it closes
            }
            return true;
        } catch (SocketException reset) {
            return true;
        }
    }

    static void writeAll(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }
}
