package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.c2d.FeedbackRecord;
import io.github.iothubkit.fakehub.internal.HubTimestamps;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The body of a feedback message: a compact JSON array as IoT Hub sends it. The Java service SDK reads
 * the body through proton-j's {@code Binary.toString()}, which rewrites every byte outside printable
 * ASCII, and every backslash, as {@code \xNN}. So the JSON must contain none of them: no whitespace, no
 * escapes. String values are sanitised instead of escaped: a character outside 0x20-0x7E, a double
 * quote or a backslash becomes '?'.
 */
final class FeedbackJson {

    private FeedbackJson() {
    }

    static byte[] encode(List<FeedbackRecord> batch) {
        StringBuilder json = new StringBuilder(batch.size() * 220).append('[');
        for (FeedbackRecord r : batch) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('{');
            field(json, "originalMessageId", r.originalMessageId()).append(',');
            field(json, "description", r.description()).append(',');
            field(json, "deviceGenerationId", r.deviceGenerationId()).append(',');
            field(json, "deviceId", r.deviceId()).append(',');
            field(json, "enqueuedTimeUtc", r.enqueuedTime() == null ? null : HubTimestamps.FORMAT.format(r.enqueuedTime())).append(',');
            field(json, "statusCode", r.status().wireName());
            json.append('}');
        }
        return json.append(']').toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":");
        if (value == null) {
            return json.append("null");
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            json.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '?');
        }
        return json.append('"');
    }
}
