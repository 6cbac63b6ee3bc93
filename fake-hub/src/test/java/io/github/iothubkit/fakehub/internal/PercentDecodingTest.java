package io.github.iothubkit.fakehub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PercentDecodingTest {

    @Test
    void percentDecodesAsUtf8AndKeepsPlusSigns() {
        assertThat(PercentDecoding.decodeOrNull("a%2Bb+c%3a%C3%A9")).isEqualTo("a+b+c:\u00e9");
        assertThat(PercentDecoding.decodeOrNull("plain")).isEqualTo("plain");
    }

    @Test
    void keepsCharactersOutsideTheBasicPlaneNextToEscapes() {
        // a raw client may send UTF-8 text unescaped: a surrogate pair must not turn into "??"
        assertThat(PercentDecoding.decodeOrNull("%20\uD83D\uDE00x%21")).isEqualTo(" \uD83D\uDE00x!");
    }

    @Test
    void rejectsMalformedEscapes() {
        assertThat(PercentDecoding.decodeOrNull("a%")).isNull();
        assertThat(PercentDecoding.decodeOrNull("a%4")).isNull();
        assertThat(PercentDecoding.decodeOrNull("a%zz")).isNull();
        assertThat(PercentDecoding.decodeOrNull("%C3")).isNull(); // half a UTF-8 sequence
    }

    @Test
    void resolvesAnIdAsSentWhenItNamesADeviceOrDoesNotDecode() {
        assertThat(PercentDecoding.resolveId("a%41", Set.of("a%41")::contains)).isEqualTo("a%41");
        assertThat(PercentDecoding.resolveId("plain", id -> false)).isEqualTo("plain");
        assertThat(PercentDecoding.resolveId("100%", id -> false)).isEqualTo("100%");
        assertThat(PercentDecoding.resolveId("%FF", id -> false)).isEqualTo("%FF"); // invalid UTF-8
    }

    @Test
    void resolvesAnUnknownEncodedIdToItsDecodedForm() {
        assertThat(PercentDecoding.resolveId("a%41", id -> false)).isEqualTo("aA");
        assertThat(PercentDecoding.resolveId("a%2Bb", Set.of("a+b")::contains)).isEqualTo("a+b");
    }
}
