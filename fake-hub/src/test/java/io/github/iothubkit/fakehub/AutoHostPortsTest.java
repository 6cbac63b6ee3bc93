package io.github.iothubkit.fakehub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which ports autoHost() needs free on an address before it picks it; no sockets are opened here. */
class AutoHostPortsTest {

    @Test
    void aRequiredRegistryPortMustBeFreeButAnOptionalOneDoesNotRuleOutAnAddress() {
        assertThat(FakeIotHub.builder().ports()).containsExactly(8883, 5671);
        assertThat(FakeIotHub.builder().httpsPort(443).ports()).containsExactly(8883, 5671, 443);
        assertThat(FakeIotHub.builder().httpsPort(443).httpsRequired(false).ports()).containsExactly(8883, 5671);
    }
}
