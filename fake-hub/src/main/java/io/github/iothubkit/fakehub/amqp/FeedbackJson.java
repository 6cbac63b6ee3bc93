package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.c2d.FeedbackRecord;
import io.github.iothubkit.fakehub.internal.HubTimestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The body of a feedback message: a compact JSON array as IoT Hub sends it. The Java service SDK reads
 * the body through proton-j's {@code Binary.toString()}, which rewrites every byte outside printable
 * ASCII, and every backslash, as {@code \xNN}. So the JSON must contain none of them: no whitespace, no
 * escapes. String values are sanitised before encoding, so the encoder has nothing to escape: a
 * character outside 0x20-0x7E, a double quote or a backslash becomes '?'.
 */
final class FeedbackJson {

    private FeedbackJson() {
    }

    static byte[] encode(List<FeedbackRecord> batch) {
        JsonArray json = new JsonArray();
        for (FeedbackRecord r : batch) {
            json.add(new JsonObject()
                    .put("originalMessageId", printable(r.originalMessageId()))
                    .put("description", printable(r.description()))
                    .put("deviceGenerationId", printable(r.deviceGenerationId()))
                    .put("deviceId", printable(r.deviceId()))
                    .put("enqueuedTimeUtc", r.enqueuedTime() == null ? null : HubTimestamps.FORMAT.format(r.enqueuedTime()))
                    .put("statusCode", printable(r.status().wireName())));
        }
        return json.encode().getBytes(StandardCharsets.US_ASCII);
    }

    private static String printable(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder s = new StringBuilder(value.length());
        value.chars().forEach(c -> s.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? (char) c : '?'));
        return s.toString();
    }
}
