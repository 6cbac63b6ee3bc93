package io.github.iothubkit.fakehub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.registry.DeviceStatus;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry requests of the Python ({@code azure-iot-hub} 2.7, msrest) and Node.js ({@code azure-iothub}
 * 1.16) service SDKs, as their sources build them, replayed raw so the Java suite keeps them working without
 * Python or Node installed: quoted {@code If-Match} values (both SDKs quote the etag and {@code *}), a create without keys (Node) and
 * percent-encoded device ids in the path.
 */
class ForeignSdkRegistryTest {

    private static FakeIotHub hub;
    private static HttpClient http;

    @BeforeAll
    static void startHub() {
        hub = FakeIotHub.builder().autoHost().httpsPort(0).start();
        http = HttpClient.newBuilder().sslContext(hub.trust().sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @AfterEach
    void forgetDevices() {
        hub.devices().clear();
    }

    /** Node: {@code registry.create({deviceId, status})} sends no keys and reads the generated ones back. */
    @Test
    void nodeCreateWithoutAuthenticationGetsGeneratedKeys() throws Exception {
        HttpResponse<String> created = send(request("/devices/node-1", token())
                .header("Content-Type", "application/json; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"node-1\",\"status\":\"enabled\"}")).build());

        assertThat(created.statusCode()).isEqualTo(200);
        JsonObject keys = new JsonObject(created.body()).getJsonObject("authentication").getJsonObject("symmetricKey");
        assertThat(keys.getString("primaryKey")).isEqualTo(hub.devices().get("node-1").primaryKey());
        assertThat(keys.getString("secondaryKey")).isNotBlank();
    }

    /** Node's {@code update} forces with {@code If-Match: "*"}; Python's passes the etag it read, quoted. */
    @Test
    void quotedStarAndQuotedEtagBothMatch() throws Exception {
        hub.devices().create("etag-1");
        String etag = new JsonObject(send(request("/devices/etag-1", token()).GET().build()).body())
                .getString("etag");
        String disable = "{\"deviceId\":\"etag-1\",\"status\":\"disabled\"}";

        HttpResponse<String> nodeStyle = send(request("/devices/etag-1", token()).header("If-Match", "\"*\"")
                .PUT(HttpRequest.BodyPublishers.ofString(disable)).build());
        assertThat(nodeStyle.statusCode()).isEqualTo(200);
        assertThat(hub.devices().get("etag-1").status()).isEqualTo(DeviceStatus.DISABLED);

        String newEtag = new JsonObject(nodeStyle.body()).getString("etag");
        assertThat(newEtag).isNotEqualTo(etag);
        HttpResponse<String> stale = send(request("/devices/etag-1", token())
                .header("If-Match", "\"" + etag + "\"")
                .PUT(HttpRequest.BodyPublishers.ofString(disable.replace("disabled", "enabled"))).build());
        assertThat(stale.statusCode()).isEqualTo(412);

        HttpResponse<String> pythonStyle = send(request("/devices/etag-1", token())
                .header("If-Match", "\"" + newEtag + "\"")
                .PUT(HttpRequest.BodyPublishers.ofString(disable.replace("disabled", "enabled"))).build());
        assertThat(pythonStyle.statusCode()).isEqualTo(200);
        assertThat(hub.devices().get("etag-1").status()).isEqualTo(DeviceStatus.ENABLED);
    }

    /** Both SDKs delete with {@code If-Match: "*"} unless given an etag; ids are percent-encoded in the path. */
    @Test
    void deleteWithQuotedStarAndAPercentEncodedId() throws Exception {
        String id = "py(dev)!'=@$:,5";
        hub.devices().create(id);

        HttpResponse<String> deleted = send(request("/devices/" + URLEncoder.encode(id, StandardCharsets.UTF_8),
                token()).header("If-Match", "\"*\"").DELETE().build());

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(hub.devices().find(id)).isEmpty();
    }

    private static String token() {
        return SasToken.create(hub.host(), "iothubowner", key(), Instant.now().plusSeconds(600));
    }

    private static String key() {
        return hub.serviceConnectionString().replaceAll(".*SharedAccessKey=([^;]+).*", "$1");
    }

    private static HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(URI.create("https://" + hub.host() + ":" + hub.httpsPort() + path
                + "?api-version=2021-04-12")).header("Authorization", token);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
