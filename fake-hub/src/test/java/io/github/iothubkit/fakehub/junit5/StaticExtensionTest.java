package io.github.iothubkit.fakehub.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A static field: one hub for the class on a free 127.0.1.x address, reset before each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StaticExtensionTest {

    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().manualClock().build();

    private static FakeIotHub first;
    private static Instant clockStart;

    @Test
    @Order(1)
    void theFieldIsAHandleToAHubOnAnAutomaticLoopbackAddress() {
        first = hub.hub();
        clockStart = hub.hub().clock().now();
        assertThat(hub.hub().host()).startsWith("127.0.1.");
        hub.hub().devices().create("dev1");
        hub.hub().cloudToDevice().send("dev1", C2dMessage.of("x").messageId("m1"));
        hub.hub().clock().advance(Duration.ofMinutes(5));
        assertThat(hub.hub().cloudToDevice().records()).hasSize(1);
    }

    @Test
    @Order(2)
    void theNextTestGetsTheSameHubReset(FakeIotHub injected) {
        assertThat(injected).isSameAs(first).isSameAs(hub.hub());
        assertThat(injected.devices().list()).isEmpty();
        assertThat(injected.cloudToDevice().records()).isEmpty();
        assertThat(injected.clock().now()).isEqualTo(clockStart);
        assertThat(injected.clock().isManual()).isTrue();
    }

    @Test
    @Order(3)
    void injectsReadyDevicesByAnnotationOrGeneratedId(@TestDevice("sensor-1") DeviceIdentity named,
            DeviceIdentity generated, FakeIotHub injected) {
        assertThat(named.deviceId()).isEqualTo("sensor-1");
        assertThat(generated.deviceId()).isEqualTo("injectsReadyDevicesByAnnotationOrGeneratedId-1");
        assertThat(injected.devices().list()).containsExactlyInAnyOrder(named, generated);
        assertThat(named.connectionString()).startsWith("HostName=" + injected.host() + ";DeviceId=sensor-1;");
    }
}
