package io.github.iothubkit.fakehub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryStatistics;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.FakeIotHubException;
import io.github.iothubkit.fakehub.auth.Keys;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.FeedbackRecord;
import io.github.iothubkit.fakehub.c2d.FeedbackStatus;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry REST over HTTPS on port 443, driven by the real {@code RegistryClient} 2.1.9. One flat
 * class on purpose: surefire may run nested classes in different forks, and each would bind 127.0.0.50.
 */
class RegistryHttpAcceptanceTest {

    private static final String HOST = "127.0.0.50";
    private static FakeIotHub hub;
    private static RegistryClient registry;
    private static HttpClient http;

    @BeforeAll
    static void startHub() {
        hub = FakeIotHub.builder().host(HOST).httpsPort(443).start();
        // RegistryClient has no TLS option; every hub in this JVM shares one CA, so this is safe.
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.trust().sslContext().getSocketFactory());
        registry = new RegistryClient(hub.serviceConnectionString());
        http = HttpClient.newBuilder().sslContext(hub.trust().sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @AfterEach
    void forgetDevices() {
        hub.devices().clear();
    }

    // ---- devices ------------------------------------------------------------------------------------

    @Test
    void addDeviceRegistersItWithTheKeysTheClientGenerated() throws Exception {
        Device request = new Device("dev1");

        Device added = registry.addDevice(request);

        DeviceIdentity stored = hub.devices().get("dev1");
        assertThat(stored.primaryKey()).isEqualTo(request.getPrimaryKey());
        assertThat(stored.secondaryKey()).isEqualTo(request.getSecondaryKey());
        assertThat(added.getDeviceId()).isEqualTo("dev1");
        assertThat(added.getPrimaryKey()).isEqualTo(stored.primaryKey());
        assertThat(added.getStatus()).isEqualTo(com.microsoft.azure.sdk.iot.service.registry.DeviceStatus.Enabled);
        assertThat(added.getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
        assertThat(added.getGenerationId()).isEqualTo(stored.generationId());
        assertThat(added.getETag()).isNotBlank();
    }

    @Test
    void getDeviceReturnsWhatTheHubHolds() throws Exception {
        DeviceIdentity stored = hub.devices().create("dev2");
        hub.cloudToDevice().send("dev2", C2dMessage.of("waiting").messageId("w1"));

        Device got = registry.getDevice("dev2");

        assertThat(got.getPrimaryKey()).isEqualTo(stored.primaryKey());
        assertThat(got.getSecondaryKey()).isEqualTo(stored.secondaryKey());
        assertThat(got.getCloudToDeviceMessageCount()).isEqualTo(1);
        assertThat(got.getConnectionStateUpdatedTime()).isNotNull();
    }

    @Test
    void updateDeviceChangesStatusAndKeys() throws Exception {
        Device device = registry.addDevice(new Device("dev3"));
        device.setStatus(com.microsoft.azure.sdk.iot.service.registry.DeviceStatus.Disabled);
        String newKey = Keys.generate();
        device.setSymmetricKey(new com.microsoft.azure.sdk.iot.service.auth.SymmetricKey());
        device.getSymmetricKey().setPrimaryKey(newKey);
        device.getSymmetricKey().setSecondaryKey(Keys.generate());

        Device updated = registry.updateDevice(device);

        assertThat(hub.devices().get("dev3").status()).isEqualTo(DeviceStatus.DISABLED);
        assertThat(hub.devices().get("dev3").primaryKey()).isEqualTo(newKey);
        assertThat(updated.getStatus()).isEqualTo(com.microsoft.azure.sdk.iot.service.registry.DeviceStatus.Disabled);
        assertThat(updated.getETag()).isNotEqualTo(device.getETag());
    }

    @Test
    void removeDeviceDeletesItByIdOrByCurrentEtag() throws Exception {
        registry.addDevice(new Device("gone1"));
        Device second = registry.addDevice(new Device("gone2"));

        registry.removeDevice("gone1");
        registry.removeDevice(second);

        assertThat(hub.devices().find("gone1")).isEmpty();
        assertThat(hub.devices().find("gone2")).isEmpty();
    }

    @Test
    void statisticsCountEnabledAndDisabledDevices() throws Exception {
        hub.devices().create("s1");
        hub.devices().create("s2");
        hub.devices().disable("s2");

        RegistryStatistics stats = registry.getStatistics();
        HttpResponse<String> raw = send(authorized("/statistics/devices").GET().build());

        assertThat(stats.getTotalDeviceCount()).isEqualTo(2);
        assertThat(stats.getDisabledDeviceCount()).isEqualTo(1);
        // SDK 2.1.9 reads "enableDeviceCount" (sic); the hub sends the documented "enabledDeviceCount"
        assertThat(new JsonObject(raw.body()).getValue("enabledDeviceCount")).isEqualTo(1);
    }

    // ---- errors -------------------------------------------------------------------------------------

    @Test
    void unknownDeviceIsNotFoundWithIotHubsErrorCode() {
        assertThatThrownBy(() -> registry.getDevice("nope"))
                .isInstanceOf(IotHubNotFoundException.class)
                .hasMessageContaining("DeviceNotFound")
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404001));
        assertThatThrownBy(() -> registry.removeDevice("nope")).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void addingAnExistingDeviceConflicts() {
        hub.devices().create("twice");

        assertThatThrownBy(() -> registry.addDevice(new Device("twice")))
                .isInstanceOf(IotHubConflictException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(409001));
    }

    @Test
    void removingWithAStaleEtagFailsThePrecondition() throws Exception {
        Device stale = registry.addDevice(new Device("etagged"));
        hub.devices().disable("etagged"); // changes the etag

        assertThatThrownBy(() -> registry.removeDevice(stale)).isInstanceOf(IotHubPreconditionFailedException.class);
        assertThat(hub.devices().find("etagged")).isPresent();
    }

    @Test
    void aWrongKeyIsUnauthorized() {
        String wrongKey = hub.serviceConnectionString().replaceAll("SharedAccessKey=[^;]+",
                "SharedAccessKey=" + Keys.generate());

        assertThatThrownBy(() -> new RegistryClient(wrongKey).getDevice("any"))
                .isInstanceOf(IotHubUnauthorizedException.class);
    }

    @Test
    void aPolicyWithoutRegistryWriteCannotAddDevices() {
        RegistryClient readOnly = new RegistryClient(hub.serviceConnectionString("registryRead"));

        assertThatThrownBy(() -> readOnly.addDevice(new Device("ro"))).isInstanceOf(IotHubUnauthorizedException.class);
        assertThat(hub.devices().find("ro")).isEmpty();
    }

    @Test
    void missingAuthorizationIsUnauthorizedWithIotHubsBody() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/devices/x")).GET().build());

        assertThat(response.statusCode()).isEqualTo(401);
        JsonObject body = new JsonObject(response.body());
        assertThat(body.fieldNames()).containsExactly("Message", "ExceptionMessage");
        assertThat(new JsonObject(body.getString("Message")).getValue("errorCode")).isEqualTo(401003);
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        HttpResponse<String> response = send(authorized("/devices/bad")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"deviceId\":")).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("iothub-errorcode")).hasValue("ArgumentInvalid");
        JsonObject error = new JsonObject(new JsonObject(response.body()).getString("Message"));
        assertThat(error.getValue("errorCode")).isEqualTo(400004);
        assertThat(error.getString("message")).startsWith("ErrorCode:ArgumentInvalid;Invalid device JSON: ")
                .doesNotContain("REDACTED");
        assertThat(hub.devices().find("bad")).isEmpty();
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        assertThat(send(authorized("/twins/x").GET().build()).statusCode()).isEqualTo(404);
        assertThat(send(authorized("/devices/x/y/z").GET().build()).statusCode()).isEqualTo(404);
    }

    @Test
    void aSecondHubOnThisRegistryAddressInTheSameJvmFailsFastInsteadOfSharingTheSocket() throws Exception {
        assertThatThrownBy(() -> FakeIotHub.builder().host(HOST).mqttPort(0).amqpPort(0).httpsPort(443).start())
                .isInstanceOf(FakeIotHubException.class).hasCauseInstanceOf(java.net.BindException.class)
                .hasMessageContaining("HTTPS");
        assertThat(send(authorized("/devices").GET().build()).statusCode()).as("the first hub still serves")
                .isEqualTo(200);
    }

    // ---- raw REST (what RegistryClient cannot do) ---------------------------------------------------

    @Test
    void purgeEmptiesTheQueueAndEmitsPurgedFeedback() throws Exception {
        hub.devices().create("p1");
        hub.cloudToDevice().send("p1", C2dMessage.of("one").messageId("m-full").ack(AckMode.FULL));
        hub.cloudToDevice().send("p1", C2dMessage.of("two").messageId("m-none").ack(AckMode.NONE));

        HttpResponse<String> response = send(authorized("/devices/p1/commands").DELETE().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getMap()).containsEntry("deviceId", "p1")
                .containsEntry("moduleId", null)
                .containsEntry("totalMessagesPurged", 2);
        assertThat(hub.cloudToDevice().queued("p1")).isEmpty();
        assertThat(hub.feedback().records()).extracting(FeedbackRecord::originalMessageId, FeedbackRecord::status)
                .contains(org.assertj.core.groups.Tuple.tuple("m-full", FeedbackStatus.PURGED))
                .noneMatch(t -> t.toList().contains("m-none"));
    }

    @Test
    void purgeOfAnUnknownDeviceIsNotFound() throws Exception {
        assertThat(send(authorized("/devices/ghost/commands").DELETE().build()).statusCode()).isEqualTo(404);
    }

    @Test
    void fixedPathPartsAreCaseInsensitiveAndIdsMayBePercentEncoded() throws Exception {
        hub.devices().create("a:b");

        HttpResponse<String> response = send(authorized("/DEVICES/a%3Ab?api-version=2021-04-12").GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getString("deviceId")).isEqualTo("a:b");
        assertThat(response.headers().firstValue("ETag")).hasValue(hub.devices().get("a:b").etag());
    }

    @Test
    void putWithIfMatchOnAnUnknownDeviceIsNotFound() throws Exception {
        HttpResponse<String> response = send(authorized("/devices/u1").header("If-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"u1\"}")).build());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void putWithoutKeysGeneratesThem() throws Exception {
        HttpResponse<String> response = send(authorized("/devices/k1")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"disabled\"}")).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Keys.isValid(hub.devices().get("k1").primaryKey())).isTrue();
        assertThat(hub.devices().get("k1").status()).isEqualTo(DeviceStatus.DISABLED);
    }

    @Test
    void listsDevices() throws Exception {
        hub.devices().create("l1");
        hub.devices().create("l2");

        HttpResponse<String> response = send(authorized("/devices?top=10").GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonArray(response.body())).hasSize(2);
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("https://" + HOST + pathAndQuery + (pathAndQuery.contains("?") ? "" : "?api-version=2021-04-12"));
    }

    private static HttpRequest.Builder authorized(String pathAndQuery) {
        String key = hub.serviceConnectionString().replaceAll(".*SharedAccessKey=([^;]+).*", "$1");
        String token = SasToken.create(HOST, "iothubowner", key, Instant.now().plusSeconds(600));
        return HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", token);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
