package io.github.iothubkit.fakehub.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.github.iothubkit.fakehub.FakeIotHub;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An instance field: a hub of its own for each test, closed after it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerTestExtensionTest {

    @RegisterExtension
    FakeIotHubExtension hub = FakeIotHubExtension.newInstance().host("127.0.0.80").build();

    private static FakeIotHub previous;

    @Test
    @Order(1)
    void startsAHubForTheTest(FakeIotHub injected) {
        assertThat(injected).isSameAs(hub.hub());
        assertThat(injected.host()).isEqualTo("127.0.0.80");
        hub.hub().devices().create("dev1");
        previous = injected;
    }

    @Test
    @Order(2)
    void theNextTestGetsAFreshHubAndThePreviousOneIsClosed() throws Exception {
        assertThat(hub.hub()).isNotSameAs(previous);
        assertThat(hub.hub().devices().list()).isEmpty();
        hub.hub().close(); // free the port to show the previous hub let go of it too
        assertThatCode(() -> {
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.80"), 8883));
            }
        }).doesNotThrowAnyException();
    }
}
