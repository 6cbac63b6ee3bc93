package io.github.iothubkit.fakehub.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code @FakeIotHubTest}: hub and devices as parameters, one hub for the class and its nested classes. */
@FakeIotHubTest(manualClock = true)
class DeclarativeExtensionTest {

    private final FakeIotHub hubFromConstructor;
    private DeviceIdentity fromBeforeEach;

    DeclarativeExtensionTest(FakeIotHub hub) {
        this.hubFromConstructor = hub;
    }

    @BeforeEach
    void registerDevice(@TestDevice("dev1") DeviceIdentity device) {
        fromBeforeEach = device;
    }

    @Test
    void injectsTheClassHubIntoConstructorsAndMethods(FakeIotHub hub) {
        assertThat(hub).isSameAs(hubFromConstructor);
        assertThat(hub.host()).startsWith("127.0.1.");
        assertThat(hub.clock().isManual()).isTrue();
    }

    @Test
    void aLifecycleMethodAndTheTestShareTheDeviceOfOneId(@TestDevice("dev1") DeviceIdentity device, FakeIotHub hub) {
        assertThat(device).isEqualTo(fromBeforeEach);
        assertThat(hub.devices().list()).containsExactly(device);
    }

    @Nested
    class Nested1 {
        @Test
        void nestedClassesUseTheOuterHub(FakeIotHub hub) {
            assertThat(hub).isSameAs(hubFromConstructor);
            assertThat(hub.devices().find("dev1")).contains(fromBeforeEach);
        }
    }
}
