package io.github.iothubkit.fakehub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standalone's telemetry log line, which the Python and Node conformance suites read as the hub's record. */
class TelemetryLogTest {

    @Test
    void carriesSystemAndApplicationPropertiesAndTheExactBody() {
        byte[] body = "{\"t\":\"°C\"}\u0000\u00ff".getBytes(StandardCharsets.UTF_8);
        TelemetryMessage message = new TelemetryMessage("dev-1", "devices/dev-1/messages/events/", body,
                Map.of("$.mid", "m1", "$.cid", "c1", "$.ct", "application/json", "$.ce", "utf-8"),
                Map.of("note", "a&b=c/d ü", "empty", ""), Instant.EPOCH);

        JsonObject json = new JsonObject(TelemetryLog.json(message));

        assertThat(json.getString("deviceId")).isEqualTo("dev-1");
        assertThat(json.getString("messageId")).isEqualTo("m1");
        assertThat(json.getString("correlationId")).isEqualTo("c1");
        assertThat(json.getString("contentType")).isEqualTo("application/json");
        assertThat(json.getString("contentEncoding")).isEqualTo("utf-8");
        assertThat(json.getJsonObject("properties").getMap()).isEqualTo(Map.of("note", "a&b=c/d ü", "empty", ""));
        assertThat(json.getJsonObject("systemProperties").getMap()).containsEntry("$.mid", "m1").hasSize(4);
        assertThat(Base64.getDecoder().decode(json.getString("body"))).isEqualTo(body);
    }

    @Test
    void isOneLineWhateverTheProperties() {
        TelemetryMessage message = new TelemetryMessage("d", "t", "line1\nline2".getBytes(StandardCharsets.UTF_8),
                Map.of(), Map.of("multi\nline", "a\r\nb"), Instant.EPOCH);

        String line = TelemetryLog.json(message);

        assertThat(line).doesNotContain("\n").doesNotContain("\r");
        assertThat(new JsonObject(line).getValue("messageId")).isNull();
    }
}
