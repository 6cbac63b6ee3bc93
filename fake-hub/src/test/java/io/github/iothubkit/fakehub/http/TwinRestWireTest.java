package io.github.iothubkit.fakehub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.method.MethodHandler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The twin, method and query REST as other SDKs (Node, Python) send it: a real PATCH, quoted If-Match, omitted
 * timeouts, the continuation header, and IoT Hub's error bodies with the numeric code readable.
 */
class TwinRestWireTest {

    private static FakeIotHub hub;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        hub = FakeIotHub.builder().autoHost().httpsPort(443).clock(HubClock.manual()).start();
        http = HttpClient.newBuilder().sslContext(hub.trust().sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @BeforeEach
    void reset() {
        hub.reset();
        hub.devices().create("d1");
    }

    @Test
    void realPatchWithQuotedIfMatchMergesAndAnswers200WithTheTwinAndJsonContentType() throws Exception {
        String etag = hub.twins().get("d1").etag();
        HttpResponse<String> response = send(request("/twins/d1").header("If-Match", "\"" + etag + "\"")
                .method("PATCH", body("{\"properties\":{\"desired\":{\"a\":{\"b\":1}}},\"tags\":{\"t\":\"x\"}}")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonObject twin = new JsonObject(response.body());
        assertThat(twin.getString("deviceId")).isEqualTo("d1");
        assertThat(twin.getJsonObject("properties").getJsonObject("desired").getInteger("$version")).isEqualTo(2);
        assertThat(twin.getJsonObject("tags").getString("t")).isEqualTo("x");
        assertThat(response.headers().firstValue("ETag")).hasValue("\"" + twin.getString("etag") + "\"");

        HttpResponse<String> stale = send(request("/twins/d1").header("If-Match", "\"" + etag + "\"")
                .method("PATCH", body("{\"tags\":{\"t\":\"y\"}}")));
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(errorCode(stale)).isEqualTo(412001);
        assertThat(stale.headers().firstValue("iothub-errorcode")).hasValue("PreconditionFailed");
    }

    @Test
    void putReplacesAndUnknownDevicesAreNotFound() throws Exception {
        hub.twins().update("d1", "{\"tags\":{\"old\":1}}", null);
        HttpResponse<String> response = send(request("/twins/d1").header("If-Match", "*")
                .PUT(body("{\"tags\":{\"new\":2},\"properties\":{\"desired\":{\"x\":1}}}")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getJsonObject("tags").fieldNames()).containsExactly("new");
        HttpResponse<String> ghost = send(request("/twins/ghost").GET());
        assertThat(ghost.statusCode()).isEqualTo(404);
        assertThat(errorCode(ghost)).isEqualTo(404001);
    }

    @Test
    void queryPagesWithTheContinuationHeaderAndNoneOnTheLastPage() throws Exception {
        hub.devices().create("d2");
        hub.devices().create("d3");
        HttpResponse<String> first = send(request("/devices/query").header("x-ms-max-item-count", "2")
                .POST(body("{\"query\":\"SELECT * FROM devices\"}")));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ms-item-type")).hasValue("twin");
        assertThat(new JsonArray(first.body())).hasSize(2);
        String continuation = first.headers().firstValue("x-ms-continuation").orElseThrow();
        HttpResponse<String> last = send(request("/devices/query").header("x-ms-max-item-count", "2")
                .header("x-ms-continuation", continuation).POST(body("{\"query\":\"SELECT * FROM devices\"}")));
        assertThat(new JsonArray(last.body()).getJsonObject(0).getString("deviceId")).isEqualTo("d3");
        assertThat(last.headers().firstValue("x-ms-continuation")).isEmpty();

        HttpResponse<String> unsupported = send(request("/devices/query")
                .POST(body("{\"query\":\"SELECT * FROM devices ORDER BY deviceId\"}")));
        assertThat(unsupported.statusCode()).isEqualTo(400);
        assertThat(unsupported.body()).contains("does not support");
    }

    @Test
    void methodWithOmittedTimeoutsAndTheDevicesStatusIn200() throws Exception {
        hub.methods().answerFor("d1", (name, payload) -> new io.github.iothubkit.fakehub.method.MethodResult(404,
                "{\"asked\":" + payload + "}"));
        HttpResponse<String> response = send(request("/twins/d1/methods")
                .POST(body("{\"methodName\":\"find\",\"payload\":[1,2]}")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject("{\"status\":404,\"payload\":{\"asked\":[1,2]}}"));
    }

    @Test
    void offlineMethodGetsIotHubsNestedErrorBody() throws Exception {
        HttpResponse<String> response = send(request("/twins/d1/methods")
                .POST(body("{\"methodName\":\"m\",\"responseTimeoutInSeconds\":30,\"connectTimeoutInSeconds\":0}")));
        assertThat(response.statusCode()).isEqualTo(404);
        JsonObject outer = new JsonObject(response.body());
        assertThat(outer.getString("ExceptionMessage")).isEmpty();
        JsonObject inner = new JsonObject(outer.getString("Message"));
        assertThat(inner.getInteger("errorCode")).isEqualTo(404103);
        assertThat(inner.getString("message")).isEqualTo("Timed out waiting for device to connect.");
        assertThat(inner.getJsonObject("info")).isEqualTo(new JsonObject("{\"timeout\":\"00:00:00\"}"));
    }

    @Test
    void silentDeviceGets504WhenTheHubClockPassesTheResponseTimeout() throws Exception {
        hub.methods().answerFor("d1", MethodHandler.neverAnswers());
        var pending = http.sendAsync(request("/twins/d1/methods")
                .POST(body("{\"methodName\":\"m\",\"responseTimeoutInSeconds\":5}")).build(),
                HttpResponse.BodyHandlers.ofString());
        hub.methods().awaitInvocation("d1", "m", Duration.ofSeconds(10));
        hub.clock().advance(Duration.ofSeconds(5));
        HttpResponse<String> response = pending.get(15, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(errorCode(response)).isEqualTo(504101);
    }

    @Test
    void waitingInvocationsHoldNoThreadSoTheHubKeepsServing() throws Exception {
        int waiting = 30; // more than Vert.x's 20 worker threads
        var calls = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < waiting; i++) {
            calls.add(http.sendAsync(request("/twins/d1/methods").POST(body("{\"methodName\":\"m" + i
                    + "\",\"connectTimeoutInSeconds\":60}")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> hub.methods().invocations("d1").size() == waiting);
        assertThat(send(request("/twins/d1").timeout(Duration.ofSeconds(10)).GET()).statusCode()).isEqualTo(200);

        hub.clock().advance(Duration.ofSeconds(60));
        for (var call : calls) {
            HttpResponse<String> response = call.get(15, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(errorCode(response)).isEqualTo(404103);
        }
    }

    @Test
    void badInvocationsAre400() throws Exception {
        assertThat(send(request("/twins/d1/methods").POST(body("{\"methodName\":\"a b\"}"))).statusCode()).isEqualTo(400);
        assertThat(send(request("/twins/d1/methods").POST(body("{\"methodName\":\"m\",\"responseTimeoutInSeconds\":301}")))
                .statusCode()).isEqualTo(400);
        assertThat(send(request("/twins/d1/methods").POST(body("not json"))).statusCode()).isEqualTo(400);
    }

    private static int errorCode(HttpResponse<String> response) {
        return new JsonObject(new JsonObject(response.body()).getString("Message")).getInteger("errorCode");
    }

    private static HttpRequest.BodyPublisher body(String json) {
        return HttpRequest.BodyPublishers.ofString(json);
    }

    private static HttpRequest.Builder request(String path) {
        String key = hub.serviceConnectionString().replaceAll(".*SharedAccessKey=([^;]+).*", "$1");
        String token = SasToken.create(hub.host(), "iothubowner", key, Instant.now().plusSeconds(600));
        return HttpRequest.newBuilder(URI.create("https://" + hub.host() + path + "?api-version=2021-04-12"))
                .header("Authorization", token).header("Content-Type", "application/json");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
