package io.github.iothubkit.fakehub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonBodyTest {

    @Test
    void readsNestedObjectsArraysAndLiterals() {
        JsonObject json = JsonBody.object(" {\"a\" : [1, -2.5e3, true, false, null, \"x\"], \"b\":{}, \"c\":[]} ");

        assertThat(json.getJsonArray("a")).containsExactly(1, -2500.0, true, false, null, "x");
        assertThat(JsonBody.object(json, "b")).isEqualTo(new JsonObject());
        assertThat(JsonBody.array(json, "c")).isEqualTo(new JsonArray());
    }

    @Test
    void decodesEveryEscapeIncludingTheSdksEscapedEqualsSign() {
        Object value = JsonBody.value("\"rNkp\\u003d\\u003D \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\"");

        assertThat(value).isEqualTo("rNkp== \"q\" \\ / \b\f\n\r\t \u00e9");
    }

    @Test
    void keepsMemberOrderAndTakesTheLastOfRepeatedNames() {
        JsonObject json = JsonBody.object("{\"z\":1,\"a\":2,\"z\":3}");

        assertThat(json.fieldNames()).containsExactly("z", "a");
        assertThat(json.getValue("z")).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "{a:1}", "{'a':1}", "\"open", "01", "1.", "-",
            "tru", "{\"a\":1} x", "{\"a\":1} {}", "\"\\x\"", "\"\\u12\"", "\"tab\there\"", "[1 2]", "{\"a\":1 \"b\":2}"})
    void rejectsMalformedTextWithAReasonFitForA400(String text) {
        assertThatThrownBy(() -> JsonBody.value(text)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("REDACTED").doesNotContain("\n"));
    }

    @Test
    void readsPayloadBytesAsUtf8AndRefusesWhatIsNotJson() {
        JsonObject json = JsonBody.object("{\"temp\u00e9rature\":\"gr\u00fc\u00dfe \u2603\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(json.getString("temp\u00e9rature")).isEqualTo("gr\u00fc\u00dfe \u2603");
        assertThat(JsonBody.value("null".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThatThrownBy(() -> JsonBody.value(new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> JsonBody.value(new byte[] {'"', (byte) 0xC3, '"'}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("REDACTED");
        assertThatThrownBy(() -> JsonBody.object("[]".getBytes(StandardCharsets.UTF_8))).hasMessage("expected a JSON object");
    }

    @Test
    void saysWhereTheTextBreaks() {
        assertThatThrownBy(() -> JsonBody.object("{\"deviceId\":")).hasMessageContaining("line 1, column 13");
    }

    @Test
    void rejectsNonObjectWhereAnObjectIsRequired() {
        for (String text : List.of("[1]", "null", "\"s\"", "1")) {
            assertThatThrownBy(() -> JsonBody.object(text)).as(text).hasMessage("expected a JSON object");
        }
    }

    @Test
    void rejectsAbsurdNestingInsteadOfOverflowingTheStack() {
        assertThatThrownBy(() -> JsonBody.value("[".repeat(100_000))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> JsonBody.value("{\"a\":".repeat(100_000))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void typedMembersAreNullWhenAbsentOrNullAndRefusedWhenOfAnotherType() {
        JsonObject json = JsonBody.object("{\"s\":\"x\",\"n\":null,\"i\":1,\"o\":{\"k\":true},\"l\":[1]}");

        assertThat(JsonBody.string(json, "s")).isEqualTo("x");
        assertThat(JsonBody.string(json, "n")).isNull();
        assertThat(JsonBody.string(json, "absent")).isNull();
        assertThat(JsonBody.object(json, "o").getBoolean("k")).isTrue();
        assertThat(JsonBody.array(json, "l")).containsExactly(1);
        assertThatThrownBy(() -> JsonBody.string(json, "i")).hasMessage("'i' must be a string");
        assertThatThrownBy(() -> JsonBody.object(json, "l")).hasMessage("'l' must be an object");
        assertThatThrownBy(() -> JsonBody.array(json, "o")).hasMessage("'o' must be an array");
    }

    @Test
    void writesCompactJsonInInsertionOrderEscapingOnlyWhatJsonRequires() {
        String text = new JsonObject().put("b", 1).putNull("a").put("l", new JsonArray().add(true).add(2L))
                .put("o", new JsonObject()).put("s", "a\"b\\c\n\u0001\u00e9/").encode();

        assertThat(text).isEqualTo("{\"b\":1,\"a\":null,\"l\":[true,2],\"o\":{},\"s\":\"a\\\"b\\\\c\\n\\u0001\u00e9/\"}");
        assertThat(JsonBody.object(text).getString("s")).isEqualTo("a\"b\\c\n\u0001\u00e9/");
    }
}
