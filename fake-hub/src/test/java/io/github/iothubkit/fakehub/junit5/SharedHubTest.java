package io.github.iothubkit.fakehub.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** perRun(): one hub for the run, kept in the root Store, shared by every perRun extension, reset per test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedHubTest {

    @RegisterExtension
    static FakeIotHubExtension one = FakeIotHubExtension.newInstance().perRun().build();
    @RegisterExtension
    static FakeIotHubExtension other = FakeIotHubExtension.newInstance().perRun().build();

    private static FakeIotHub seen;

    @Test
    @Order(1)
    void extensionsAskingForASharedHubGetTheSameOne() {
        assertThat(one.hub()).isSameAs(other.hub());
        seen = one.hub();
        one.hub().devices().create("left-behind");
    }

    @Test
    @Order(2)
    void itIsResetBetweenTests() {
        assertThat(one.hub()).isSameAs(seen);
        assertThat(one.hub().devices().list()).isEmpty();
    }
}
