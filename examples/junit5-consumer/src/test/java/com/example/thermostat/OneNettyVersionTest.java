package com.example.thermostat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.netty.util.Version;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Not something a user writes: the proof, from a project that declares nothing about Netty, that the kit's
 * POM alone makes Maven pick one Netty version for every Netty jar on the test classpath (a 4.1/4.2 mix
 * fails at the first hub start with NoClassDefFoundError), and that the hub starts on it. The service SDK's
 * netty-tcnative (its own 2.0.x line) is the user's, not the kit's.
 */
class OneNettyVersionTest {

    @Test
    void everyNettyJarOnTheClasspathHasTheSameVersion() {
        Map<String, String> versions = Version.identify().entrySet().stream()
                .filter(e -> !e.getKey().startsWith("netty-tcnative")) // BoringSSL bindings, versioned apart (2.0.x)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().artifactVersion()));

        assertThat(versions).containsKeys("netty-codec-mqtt", "netty-handler", "netty-codec-http2");
        assertThat(versions.values().stream().distinct()).as("Netty versions by artifact: %s", versions).hasSize(1);
    }

    @Test
    void theHubStartsAndStopsOnIt() {
        try (FakeIotHub hub = FakeIotHub.builder().autoHost().start()) {
            assertThat(hub.devices().create("probe").connectionString()).contains("DeviceId=probe");
        }
    }
}
