package io.github.iothubkit.fakehub.security;

import io.github.iothubkit.fakehub.amqp.AmqpWire;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile input on the service side: AMQP C2D addressing, CBS requests, registry REST authorization. */
class ServiceHostileInputTest {

    private static FakeIotHub hub;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().host("127.0.0.107").httpsPort(0).start();
        hub.devices().create("target");
        http = HttpClient.newBuilder().sslContext(hub.trust().sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static String policyToken(String policy, String audience, Instant expiry) {
        return SasToken.create(audience, policy, MqttHostileInputTest.key(hub.serviceConnectionString(policy)), expiry);
    }

    private static Message c2d(String to) {
        Message m = Message.Factory.create();
        if (to != null) {
            m.setAddress(to);
        }
        m.setBody(new Data(new Binary("x".getBytes(StandardCharsets.UTF_8))));
        return m;
    }

    private static String rejection(Object state) {
        assertThat(state).isInstanceOf(Rejected.class);
        return ((Rejected) state).getError().getCondition().toString();
    }

    @Test
    void c2dWithoutOrWithAForeignToIsRejectedAndTheLinkKeepsWorking() {
        try (AmqpWire client = AmqpWire.connect(hub)) {
            assertThat(status(client.putToken(UUID.randomUUID(), AmqpWire.serviceToken(hub)))).isEqualTo(200);
            ProtonSender sender = client.sender("/messages/devicebound", ProtonQoS.AT_LEAST_ONCE);
            assertThat(rejection(client.send(sender, c2d(null)))).isEqualTo("amqp:invalid-field");
            for (String foreign : new String[] {"amqps://evil.example/devices/target/messages/devicebound",
                "/devices/target/messages/events", "/devices/target/../other/messages/devicebound", "$cbs",
                "/devices//messages/devicebound", "/devices/target/messages/devicebound/extra"}) {
                assertThat(rejection(client.send(sender, c2d(foreign)))).as(foreign).isEqualTo("amqp:invalid-field");
            }
            assertThat(rejection(client.send(sender, c2d("/devices/a%2Fb/messages/devicebound")))).isEqualTo("amqp:not-found");
            assertThat(client.send(sender, c2d("/devices/target/messages/devicebound"))).isInstanceOf(Accepted.class);
        }
        assertThat(hub.cloudToDevice().queued("target")).hasSize(1);
        hub.cloudToDevice().purge("target");
    }

    @Test
    void cbsAnswersEveryBadRequestWithAnErrorStatusAndGrantsNothing() {
        Instant hour = Instant.now().plusSeconds(3600);
        String good = AmqpWire.serviceToken(hub);
        Map<String, Object> bodies = new LinkedHashMap<>();
        bodies.put("bad signature", good.replaceFirst("sig=[^&]+", "sig=AAAA"));
        bodies.put("expired", policyToken("iothubowner", hub.host(), Instant.now().minusSeconds(10)));
        bodies.put("foreign audience", policyToken("iothubowner", "evil.example", hour));
        bodies.put("unknown policy", SasToken.create(hub.host(), "nobody", MqttHostileInputTest.key(
                hub.serviceConnectionString()), hour));
        bodies.put("policy without ServiceConnect", policyToken("registryRead", hub.host(), hour));
        bodies.put("token as an int", 42);
        bodies.put("token as binary garbage", new Data(new Binary(new byte[] {(byte) 0xff, 0, 1})));
        bodies.put("empty", "");
        try (AmqpWire client = AmqpWire.connect(hub)) {
            bodies.forEach((what, body) -> {
                int status = status(client.putToken(UUID.randomUUID(), body));
                assertThat(status).as(what).isIn(400, 401);
            });
            Message noOperation = Message.Factory.create();
            noOperation.setMessageId(UUID.randomUUID());
            noOperation.setReplyTo("cbs");
            noOperation.setBody(new AmqpValue(good));
            assertThat(status(client.cbs(noOperation))).as("no operation").isEqualTo(400);
            Message intOperation = Message.Factory.create();
            intOperation.setMessageId(UUID.randomUUID());
            intOperation.setReplyTo("cbs");
            intOperation.setApplicationProperties(new ApplicationProperties(Map.of("operation", 7)));
            intOperation.setBody(new AmqpValue(good));
            assertThat(status(client.cbs(intOperation))).as("operation as an int").isEqualTo(400);
            // a device token is good on the device links, never on the service's
            assertThat(status(client.putToken(UUID.randomUUID(), SasToken.create(hub.host() + "/devices/target", null,
                    hub.devices().get("target").primaryKey(), hour)))).as("device token").isEqualTo(200);
            assertThat(client.refusedAttach(true, "/messages/devicebound").getCondition().toString())
                    .isEqualTo("amqp:unauthorized-access");

            assertThat(status(client.putToken(UUID.randomUUID(), good))).isEqualTo(200);
            ProtonSender sender = client.sender("/messages/devicebound", ProtonQoS.AT_LEAST_ONCE);
            assertThat(client.send(sender, c2d("/devices/target/messages/devicebound"))).isInstanceOf(Accepted.class);
        }
        hub.cloudToDevice().purge("target");
    }

    private static int status(Message reply) {
        return (Integer) reply.getApplicationProperties().getValue().get("status-code");
    }

    @Test
    void restWithoutOrWithABadAuthorizationIs401AndNeverEchoesTheToken() throws Exception {
        Instant hour = Instant.now().plusSeconds(3600);
        String good = policyToken("iothubowner", hub.host(), hour);
        String badSig = good.replaceFirst("sig=[^&]+", "sig=c2VjcmV0LXNpZy12YWx1ZQ%3D%3D");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("missing", null);
        headers.put("empty", " ");
        headers.put("garbage", "Bearer abc");
        headers.put("bad signature", badSig);
        headers.put("expired", policyToken("iothubowner", hub.host(), Instant.now().minusSeconds(10)));
        headers.put("foreign audience", policyToken("iothubowner", "evil.example", hour));
        headers.put("device token", SasToken.create(hub.host() + "/devices/target", null,
                hub.devices().get("target").primaryKey(), hour));
        for (Map.Entry<String, String> h : headers.entrySet()) {
            HttpResponse<String> r = rest("GET", "/devices/target", h.getValue(), null);
            assertThat(r.statusCode()).as(h.getKey()).isEqualTo(401);
            assertThat(r.body()).as(h.getKey()).doesNotContain("c2VjcmV0LXNpZy12YWx1ZQ").doesNotContain("sig=");
        }
        String readOnly = policyToken("registryRead", hub.host(), hour);
        assertThat(rest("PUT", "/devices/intruder", readOnly, "{\"deviceId\":\"intruder\"}").statusCode())
                .as("registryRead cannot write").isEqualTo(401);
        assertThat(rest("DELETE", "/devices/target/commands", readOnly, null).statusCode()).isEqualTo(401);
        assertThat(hub.devices().find("intruder")).isEmpty();

        assertThat(rest("PUT", "/devices/bad", good, "{not json").statusCode()).isEqualTo(400);
        assertThat(rest("PUT", "/devices/big", good, "{\"deviceId\":\"" + "x".repeat(300_000) + "\"}").statusCode())
                .isEqualTo(400);
        Random random = new Random(7);
        String[] methods = {"GET", "PUT", "DELETE", "POST", "PATCH"};
        for (int i = 0; i < 60; i++) {
            String path = "/" + randomPath(random);
            String method = methods[random.nextInt(methods.length)];
            HttpResponse<String> r;
            try {
                r = rest(method, path, good, randomPath(random));
            } catch (IOException e) {
                throw new AssertionError("no answer to request " + i + ": " + method + " " + path, e);
            }
            assertThat(r.statusCode()).as("%s %s answered", method, path).isBetween(200, 499);
        }
        assertThat(rest("GET", "/devices/target", good, null).statusCode()).isEqualTo(200);
    }

    @Test
    void oddRequestTargetsWithABodyGetIotHubsAnswerEveryTime() throws Exception {
        // The JDK's HTTPS server once answered "//..." itself and closed with the body unread: the reset
        // that followed often destroyed its answer before the client read it.
        String body = "x".repeat(20_000);
        for (int i = 0; i < 40; i++) {
            for (String path : new String[] {"//abc", "//devices/target", "/devices/target/../../x"}) {
                HttpResponse<String> r = rest("GET", path, null, body);
                assertThat(r.statusCode()).as("%s, round %d", path, i).isIn(401, 404);
                assertThat(r.headers().firstValue("iothub-errorcode")).as(path).isPresent();
            }
        }
        String tooLarge = "{\"deviceId\":\"big\",\"x\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}";
        assertThat(rest("PUT", "/devices/big", policyToken("iothubowner", hub.host(), Instant.now().plusSeconds(60)),
                tooLarge).statusCode()).as("a 5 MB body is read and refused").isEqualTo(400);
        assertThat(hub.devices().find("big")).isEmpty();
    }

    @Test
    void garbageOnTheAmqpPortPlainOrTlsIsDroppedAndTheListenerLives() throws IOException {
        byte[] garbage = "AMQP\u0000\u0001\u0000\u0000garbage\u00ff\u00fe".getBytes(StandardCharsets.ISO_8859_1);
        try (Socket plain = new Socket(hub.host(), hub.amqpsPort())) {
            plain.setSoTimeout(15_000);
            plain.getOutputStream().write(garbage);
            while (plain.getInputStream().read() >= 0) {
                // until the hub closes
            }
        } catch (java.net.SocketException reset) {
            // closed with a reset: fine
        }
        try (SSLSocket tls = (SSLSocket) hub.trust().sslContext().getSocketFactory()
                .createSocket(hub.host(), hub.amqpsPort())) {
            tls.setSoTimeout(15_000);
            tls.startHandshake();
            tls.getOutputStream().write(garbage);
            tls.getOutputStream().flush();
            while (tls.getInputStream().read() >= 0) {
                // the hub answers with its own protocol header at most, then closes
            }
        } catch (java.net.SocketException | javax.net.ssl.SSLException closed) {
            // closed: fine
        }
        try (AmqpWire client = AmqpWire.connect(hub)) {
            assertThat(status(client.putToken(UUID.randomUUID(), AmqpWire.serviceToken(hub)))).isEqualTo(200);
        }
    }

    private static String randomPath(Random random) {
        String alphabet = "abc/%.?&=#:+~!$'()*,;@[]{}\\ \"<>^`|0123456789devicescommandsstatistics";
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static HttpResponse<String> rest(String method, String path, String auth, String body) throws Exception {
        String encoded = path.chars().mapToObj(c -> c < 0x21 || "\"<>\\^`{|}%[]#".indexOf(c) >= 0 && c != '/'
                ? String.format("%%%02X", c) : String.valueOf((char) c)).reduce("", String::concat);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + hub.host() + ":" + hub.httpsPort()
                + encoded + "?api-version=2021-04-12")).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
