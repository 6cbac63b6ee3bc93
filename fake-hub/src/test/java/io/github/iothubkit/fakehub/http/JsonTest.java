package io.github.iothubkit.fakehub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Nested
    class Reading {

        @Test
        void readsNestedObjectsArraysAndLiterals() {
            Object value = Json.parse(" {\"a\" : [1, -2.5e3, true, false, null, \"x\"], \"b\":{}, \"c\":[]} ");

            assertThat(value).isEqualTo(Map.of(
                    "a", Arrays.asList(new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, null, "x"),
                    "b", Map.of(), "c", List.of()));
        }

        @Test
        void decodesEveryEscapeIncludingTheSdksEscapedEqualsSign() {
            Object value = Json.parse("\"rNkp\\u003d\\u003D \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\"");

            assertThat(value).isEqualTo("rNkp== \"q\" \\ / \b\f\n\r\t \u00e9");
        }

        @Test
        void keepsMemberOrderAndTakesTheLastOfRepeatedNames() {
            Map<String, Object> map = Json.parseObject("{\"z\":1,\"a\":2,\"z\":3}");

            assertThat(map.keySet()).containsExactly("z", "a");
            assertThat(map.get("z")).isEqualTo(new BigDecimal("3"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "{a:1}", "\"open", "01", "1.", "-",
                "tru", "{\"a\":1} x", "\"\\x\"", "\"\\u12\"", "\"tab\there\"", "[1 2]", "{\"a\":1 \"b\":2}"})
        void rejectsMalformedText(String text) {
            assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.JsonException.class);
        }

        @Test
        void rejectsNonObjectWhereAnObjectIsRequired() {
            assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("expected a JSON object");
        }

        @Test
        void rejectsAbsurdNestingInsteadOfOverflowingTheStack() {
            assertThatThrownBy(() -> Json.parse("[".repeat(10_000)))
                    .isInstanceOf(Json.JsonException.class).hasMessageContaining("nested too deeply");
        }
    }

    @Nested
    class Writing {

        @Test
        void writesCompactJsonInInsertionOrder() {
            String text = Json.write(Json.obj("b", 1, "a", null, "l", List.of(true, 2L), "o", Json.obj()));

            assertThat(text).isEqualTo("{\"b\":1,\"a\":null,\"l\":[true,2],\"o\":{}}");
        }

        @Test
        void escapesQuotesBackslashesAndControlCharacters() {
            assertThat(Json.write("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
        }

        @Test
        void roundTripsWhatItWrites() {
            Map<String, Object> original = Json.obj("s", "x\"\\\t\u00e9", "n", new BigDecimal("12.5"),
                    "l", List.of("a", Json.obj("k", false)));

            assertThat(Json.parse(Json.write(original))).isEqualTo(original);
        }

        @Test
        void refusesTypesItCannotWrite() {
            assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
