package io.github.iothubkit.fakehub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seam of the 443 front door: WebSocket upgrades on {@code /$iothub/websocket} reach the transport
 * registered for their subprotocol (here stubs that answer each message), REST on the same port still
 * reaches the registry, and upgrades the hub does not serve get a clear HTTP error. The listener runs on
 * a free port on the hub's own context (the hub itself starts without REST), so no stub leaks into a hub.
 */
class FrontDoorTest {

    private static final String HOST = "127.0.0.161";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static FakeIotHub hub;
    private static RegistryHttpAdapter adapter;
    private static int port;
    private static HttpClient http;
    /** What the stubs saw: subprotocol, then each message's text. */
    private static final BlockingQueue<String> SEEN = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        hub = FakeIotHub.builder().host(HOST).mqttPort(0).amqpPort(0).start();
        adapter = new RegistryHttpAdapter(id -> false)
                .webSocket("mqtt", ws -> answer(ws, "mqtt"))
                .webSocket("AMQPWSB10", ws -> answer(ws, "AMQPWSB10"));
        port = adapter.start(context(hub), 0);
        http = HttpClient.newBuilder().sslContext(hub.trust().sslContext()).connectTimeout(WAIT).build();
    }

    @AfterAll
    static void stop() {
        if (adapter != null) {
            adapter.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    /** A stub transport: records the subprotocol and each message, and answers "echo:" + the bytes. */
    private static void answer(io.vertx.core.http.ServerWebSocket ws, String name) {
        SEEN.add(name + " " + ws.subProtocol());
        ws.handler(bytes -> {
            SEEN.add(bytes.toString(StandardCharsets.UTF_8));
            ws.writeBinaryMessage(Buffer.buffer("echo:").appendBuffer(bytes));
        });
        ws.resume();
    }

    @Test
    void anMqttUpgradeReachesItsTransportWithBytesBothWays() throws Exception {
        SEEN.clear();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("mqtt").connectTimeout(WAIT)
                .buildAsync(URI.create("wss://" + HOST + ":" + port + "/$iothub/websocket?iothub-no-client-cert=true"),
                        collecting(received))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        ws.sendBinary(ByteBuffer.wrap(new byte[] {0x10, 0x02, 0x00, 0x04}), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(ws.getSubprotocol()).isEqualTo("mqtt");
        assertThat(SEEN.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("mqtt mqtt");
        assertThat(SEEN.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("\u0010\u0002\u0000\u0004");
        assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("echo:\u0010\u0002\u0000\u0004");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void restOnTheSamePortStillReachesTheRegistry() throws Exception {
        hub.devices().create("front-door-dev");
        try {
            HttpResponse<String> listed = http.send(authorized("/devices").GET().build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri("/devices/front-door-dev")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(new io.vertx.core.json.JsonArray(listed.body()).getJsonObject(0).getString("deviceId"))
                    .isEqualTo("front-door-dev");
            assertThat(anonymous.statusCode()).isEqualTo(401);
        } finally {
            hub.devices().delete("front-door-dev");
        }
    }

    @Test
    void theJavaAmqpClientsAbsoluteFormRequestLineUpgradesAndEchoesTheSubprotocol() throws Exception {
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        String head = raw("GET https://" + HOST + "/$iothub/websocket?iothub-no-client-cert=true HTTP/1.1\r\n"
                + "Host: " + HOST + "\r\nConnection: Upgrade,Keep-Alive\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Protocol: AMQPWSB10\r\n\r\n");

        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
        assertThat(head.toLowerCase()).contains("\r\nconnection: upgrade\r\n", "\r\nupgrade: websocket\r\n",
                "\r\nsec-websocket-protocol: amqpwsb10\r\n");
        assertThat(head).contains(accept);
    }

    @Test
    void anUpgradeOfferingNoServedSubprotocolIsABadRequestAndRestGoesOn() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/$iothub/websocket"))
                .header("Sec-WebSocket-Protocol", "stomp").build(), HttpResponse.BodyHandlers.ofString());
        String head = raw("GET /$iothub/websocket HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n"
                + "Sec-WebSocket-Protocol: stomp, v12.stomp\r\nContent-Length: 0\r\n\r\n");

        assertThat(response.statusCode()).as("a plain GET on the WebSocket path").isEqualTo(400);
        assertThat(response.headers().firstValue("iothub-errorcode")).hasValue("ArgumentInvalid");
        assertThat(new JsonObject(new JsonObject(response.body()).getString("Message")).getValue("errorCode"))
                .isEqualTo(400004);
        assertThat(head).startsWith("HTTP/1.1 400 ").contains("offers none of [mqtt, AMQPWSB10]");
        assertThat(http.send(authorized("/devices").GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anUpgradeOnAnotherPathIsRestAndGetsIotHubsNotFound() throws Exception {
        String head = raw("GET /$iothub/elsewhere HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n"
                + "Sec-WebSocket-Protocol: mqtt\r\nAuthorization: " + token() + "\r\nContent-Length: 0\r\n\r\n");

        assertThat(head).startsWith("HTTP/1.1 404 ").containsIgnoringCase("iothub-errorcode: NotFound");
    }

    @Test
    void pathsAreNormalisedAsTheSdksSendThem() {
        assertThat(List.of("/$iothub/websocket", "https://h/$iothub/websocket?iothub-no-client-cert=true",
                "wss://h:443/$IotHub/WebSocket/", "/$iothub/websocket?x=https://y/z"))
                .allSatisfy(uri -> assertThat(FrontDoor.normalise(uri)).isEqualTo("/$iothub/websocket"));
        assertThat(FrontDoor.normalise("/devices/a?x=http://h/$iothub/websocket")).isEqualTo("/devices/a");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** The hub's context, as its own adapters get it (the hub has no hook for stub transports, on purpose). */
    private static HubContext context(FakeIotHub hub) throws ReflectiveOperationException {
        Field field = FakeIotHub.class.getDeclaredField("context");
        field.setAccessible(true);
        return (HubContext) field.get(hub);
    }

    private static WebSocket.Listener collecting(BlockingQueue<String> received) {
        return new WebSocket.Listener() {
            private final ByteArrayOutputStream message = new ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                message.writeBytes(bytes);
                if (last) {
                    received.add(message.toString(StandardCharsets.ISO_8859_1));
                    message.reset();
                }
                ws.request(1);
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    /** Sends a raw request over TLS and returns the response head (status line and headers). */
    private static String raw(String request) throws IOException {
        try (SSLSocket socket = (SSLSocket) hub.trust().sslContext().getSocketFactory().createSocket(HOST, port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            if (head.toString().toLowerCase().contains("\r\ncontent-length:")) {
                int length = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
                head.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            }
            return head.toString();
        }
    }

    private static URI uri(String path) {
        return URI.create("https://" + HOST + ":" + port + path);
    }

    private static String token() {
        String key = hub.serviceConnectionString().replaceAll(".*SharedAccessKey=([^;]+).*", "$1");
        return SasToken.create(HOST, "iothubowner", key, Instant.now().plusSeconds(600));
    }

    private static HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(uri(path + "?api-version=2021-04-12")).header("Authorization", token());
    }
}
