package io.github.iothubkit.fakehub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.c2d.C2dMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PropertyBagTest {

    @Test
    void encodesEverythingButUnreservedCharacters() {
        assertThat(PropertyBag.encode("aZ09-._~")).isEqualTo("aZ09-._~");
        assertThat(PropertyBag.encode(" /?#[]@!$&'()*+,;=%")).isEqualTo("%20%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25");
        assertThat(PropertyBag.encode("é☃")).isEqualTo("%C3%A9%E2%98%83");
    }

    @Test
    void writesOnlyTheSystemPropertiesThatAreSet() {
        assertThat(PropertyBag.c2dTopic("d", C2dMessage.of("x").messageId("m")))
                .isEqualTo("devices/d/messages/devicebound/%24.mid=m&%24.to=%2Fdevices%2Fd%2Fmessages%2FdeviceBound&iothub-ack=none");
    }

    @Test
    void readsLiteralAndEncodedSystemKeysValuelessKeysAndKeepsPlusLiteral() {
        PropertyBag.Decoded bag = PropertyBag.decode("$.mid=1&%24.cid=c%201&flag&empty=&k=a+b&%E2%98%83=%C3%A9/");
        assertThat(bag.system()).containsExactly(Map.entry("$.mid", "1"), Map.entry("$.cid", "c 1"));
        assertThat(bag.application()).containsExactly(Map.entry("flag", ""), Map.entry("empty", ""),
                Map.entry("k", "a+b"), Map.entry("☃", "é"));
    }

    @Test
    void keepsMalformedEscapesAndInvalidUtf8AsSent() {
        assertThat(PropertyBag.decode("a=%G1&b=%&c=%FF%FE").application())
                .containsExactly(Map.entry("a", "%G1"), Map.entry("b", "%"), Map.entry("c", "%FF%FE"));
    }

    @Test
    void aBagWrittenForC2dDecodesToTheSameProperties() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            Map<String, String> props = new LinkedHashMap<>();
            for (int i = 0; i < 1 + random.nextInt(5); i++) {
                props.put("k" + i + randomText(random), "v" + randomText(random));
            }
            String topic = PropertyBag.c2dTopic("dev", C2dMessage.of("x").messageId(randomText(random) + "m")
                    .properties(props));
            String bag = topic.substring("devices/dev/messages/devicebound/".length());
            assertThat(PropertyBag.decode(bag).application()).as(topic).containsAllEntriesOf(props);
            // What the Java device SDK does with it: split on & and =, then URLDecoder each side.
            for (String pair : bag.split("&")) {
                assertThat(pair.split("=")).as(pair).hasSize(2);
                assertThat(URLDecoder.decode(pair.split("=")[1], StandardCharsets.UTF_8)).isNotNull();
            }
        }
    }

    @Test
    void writesAnEmptyValueAsKeyEqualsLikeTheRealHub() {
        // The Java device SDK 2.5.0 cannot parse this (contract A7), but it is what IoT Hub sends.
        assertThat(PropertyBag.c2dTopic("d", C2dMessage.of("x").messageId("m").property("e", ""))).endsWith("&e=");
    }

    /** Fuzz: random bytes as a bag never throw and never lose a pair that has a key. */
    @Test
    void decodesArbitraryInputWithoutThrowing() {
        Random random = new Random(7);
        for (int round = 0; round < 5000; round++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            String bag = new String(bytes, StandardCharsets.ISO_8859_1);
            PropertyBag.Decoded decoded = PropertyBag.decode(bag);
            long keyed = java.util.Arrays.stream((bag.startsWith("?") || bag.startsWith("/") ? bag.substring(1) : bag)
                    .split("&")).filter(p -> !p.isEmpty()).count();
            assertThat(decoded.system().size() + decoded.application().size()).isLessThanOrEqualTo((int) keyed);
        }
    }

    private static String randomText(Random random) {
        String alphabet = "aZ9 -._~/?#&=%+$é☃\"'";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < random.nextInt(8); i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
