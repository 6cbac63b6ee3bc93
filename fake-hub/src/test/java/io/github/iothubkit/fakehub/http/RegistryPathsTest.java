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
