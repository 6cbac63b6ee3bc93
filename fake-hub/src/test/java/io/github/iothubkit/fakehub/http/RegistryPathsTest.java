package io.github.iothubkit.fakehub.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryPathsTest {

    @Test
    void splitsPathsIntoNonEmptyRawSegments() {
        assertThat(RegistryPaths.segments("/devices/d%201/")).containsExactly("devices", "d%201");
        assertThat(RegistryPaths.segments("//Devices//x//commands")).containsExactly("Devices", "x", "commands");
        assertThat(RegistryPaths.segments("/")).isEmpty();
    }

    @Test
    void percentDecodesAsUtf8AndKeepsPlusSigns() {
        assertThat(RegistryPaths.percentDecode("a%2Bb+c%3a%C3%A9")).isEqualTo("a+b+c:\u00e9");
        assertThat(RegistryPaths.percentDecode("plain")).isEqualTo("plain");
    }

    @Test
    void rejectsMalformedEscapes() {
        assertThat(RegistryPaths.percentDecode("a%")).isNull();
        assertThat(RegistryPaths.percentDecode("a%4")).isNull();
        assertThat(RegistryPaths.percentDecode("a%zz")).isNull();
        assertThat(RegistryPaths.percentDecode("%C3")).isNull(); // half a UTF-8 sequence
    }

    @Test
    void prefersTheRawIdWhenItNamesADevice() {
        Set<String> devices = Set.of("a%41");

        assertThat(RegistryPaths.chooseId("a%41", null, devices::contains)).isEqualTo("a%41");
    }

    @Test
    void decodesTheIdWhenTheRawFormNamesNoDevice() {
        assertThat(RegistryPaths.chooseId("a%41", null, id -> false)).isEqualTo("aA");
        assertThat(RegistryPaths.chooseId("100%", null, id -> false)).isEqualTo("100%"); // not an escape
    }

    @Test
    void letsThePutBodyDecideBetweenRawAndDecoded() {
        assertThat(RegistryPaths.chooseId("a%41", "a%41", id -> false)).isEqualTo("a%41");
        assertThat(RegistryPaths.chooseId("a%41", "aA", id -> false)).isEqualTo("aA");
        assertThat(RegistryPaths.chooseId("a%41", "other", id -> false)).isNull();
    }
}
