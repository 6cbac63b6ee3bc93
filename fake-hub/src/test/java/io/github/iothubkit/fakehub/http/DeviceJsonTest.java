package io.github.iothubkit.fakehub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.registry.DeviceStatus;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeviceJsonTest {

    /** Exactly what RegistryClient 2.1.9 PUTs for {@code new Device("dev1")} (contract §D), keys shortened. */
    private static final String SDK_BODY = "{\"etag\":\"\",\"deviceId\":\"dev1\",\"generationId\":\"\",\"status\":\"Enabled\","
            + "\"statusUpdatedTime\":\"0001-12-30T00:00:00\",\"connectionState\":\"Disconnected\","
            + "\"connectionStateUpdatedTime\":\"0001-12-30T00:00:00\",\"lastActivityTime\":\"0001-12-30T00:00:00\","
            + "\"cloudToDeviceMessageCount\":0,\"authentication\":{\"symmetricKey\":{\"primaryKey\":\"AAECAw\\u003d\\u003d\","
            + "\"secondaryKey\":\"BAUGBw\\u003d\\u003d\"},\"type\":\"sas\"},\"parentScopes\":[]}";

    @Test
    void readsTheSdksRequestBody() {
        DeviceJson.DeviceRequest request = DeviceJson.parseRequest(SDK_BODY);

        assertThat(request).isEqualTo(new DeviceJson.DeviceRequest("dev1", DeviceStatus.ENABLED, "AAECAw==", "BAUGBw=="));
    }

    @Test
    void readsFieldsInAnyOrderIgnoringUnknownOnesAndStatusCase() {
        DeviceJson.DeviceRequest request = DeviceJson.parseRequest(
                "{\"future\":{\"x\":[1]},\"status\":\"DISABLED\",\"deviceId\":\"d\"}");

        assertThat(request).isEqualTo(new DeviceJson.DeviceRequest("d", DeviceStatus.DISABLED, null, null));
    }

    @Test
    void treatsEmptyKeysAsAbsent() {
        DeviceJson.DeviceRequest request = DeviceJson.parseRequest(
                "{\"authentication\":{\"symmetricKey\":{\"primaryKey\":\"\",\"secondaryKey\":null}}}");

        assertThat(request.primaryKey()).isNull();
        assertThat(request.secondaryKey()).isNull();
    }

    @Test
    void rejectsAnUnknownStatusAndCertificateAuthentication() {
        assertThatThrownBy(() -> DeviceJson.parseRequest("{\"status\":\"paused\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paused");
        assertThatThrownBy(() -> DeviceJson.parseRequest("{\"authentication\":{\"type\":\"selfSigned\"}}"))
                .hasMessageContaining("only 'sas'");
        assertThatThrownBy(() -> DeviceJson.parseRequest("{\"status\":1}")).hasMessageContaining("'status'");
    }

    @Test
    void writesWhatRegistryClientRequires() {
        DeviceIdentity device = new DeviceRegistry("127.0.0.50").create("dev1", "AAECAw==", "BAUGBw==");

        JsonObject json = new JsonObject(DeviceJson.toJson(device, true, 3).encode());

        assertThat(json.getMap()).containsEntry("deviceId", "dev1")
                .containsEntry("generationId", device.generationId())
                .containsEntry("etag", DeviceJson.bareEtag(device.etag()))
                .containsEntry("status", "enabled")
                .containsEntry("connectionState", "Connected")
                .containsEntry("connectionStateUpdatedTime", "0001-01-01T00:00:00Z")
                .containsEntry("statusReason", null);
        assertThat(json.getJsonObject("capabilities")).isEqualTo(new JsonObject().put("iotEdge", false));
        assertThat(json.getValue("cloudToDeviceMessageCount")).hasToString("3");
        assertThat(json.getJsonObject("authentication").encode()).isEqualTo("{\"symmetricKey\":{\"primaryKey\":\"AAECAw==\","
                + "\"secondaryKey\":\"BAUGBw==\"},\"x509Thumbprint\":{\"primaryThumbprint\":null,"
                + "\"secondaryThumbprint\":null},\"type\":\"sas\"}");
        assertThat(DeviceJson.toJson(device, false, 0).getString("connectionState")).isEqualTo("Disconnected");
    }

    @Test
    void malformedTextAndAWrongTypeAreArgumentErrorsNamingTheProblem() {
        assertThatThrownBy(() -> DeviceJson.parseRequest("{\"deviceId\":"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1, column");
        assertThatThrownBy(() -> DeviceJson.parseRequest("[1]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> DeviceJson.parseRequest("{\"authentication\":\"sas\"}"))
                .hasMessageContaining("'authentication' must be an object");
    }

    @Test
    void stripsQuotesAndWeakPrefixFromEtags() {
        assertThat(DeviceJson.bareEtag("\"abc\"")).isEqualTo("abc");
        assertThat(DeviceJson.bareEtag("W/\"abc\"")).isEqualTo("abc");
        assertThat(DeviceJson.bareEtag("abc")).isEqualTo("abc");
        assertThat(DeviceJson.bareEtag("*")).isEqualTo("*");
    }

    @Test
    void writesDatesWithSevenFractionDigits() {
        assertThat(DeviceJson.date(Instant.parse("2026-01-02T03:04:05.123Z"))).isEqualTo("2026-01-02T03:04:05.1230000Z");
    }
}
