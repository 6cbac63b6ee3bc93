package io.github.iothubkit.fakehub.assertj;

import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.method.MethodHandler;
import io.github.iothubkit.fakehub.method.MethodInvocation;
import io.github.iothubkit.fakehub.method.MethodRequest;
import io.github.iothubkit.fakehub.twin.Twin;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code assertThat(hub).twin(..)} and {@code .methods(..)}: their waits and what their failures say. */
class TwinMethodAssertionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().manualClock().build();

    @Test
    void waitsForAReportedValueThatArrivesLater() {
        hub.hub().devices().create("dev1");
        CompletableFuture.runAsync(() -> hub.hub().twins().patchReported("dev1", "{\"firmware\":\"1.2\",\"n\":{\"v\":3}}",
                null));
        Twin twin = assertThat(hub.hub()).twin("dev1").hasReported("firmware", "1.2").within(WAIT);
        assertThat(twin.reportedVersion()).isEqualTo(2);
        assertThat(hub.hub()).twin("dev1").hasReported("n.v", 3).now();
        hub.hub().twins().patchDesired("dev1", "{\"target\":21.5}");
        assertThat(hub.hub()).twin("dev1").hasDesired("target", 21.5).now();
    }

    @Test
    void aMissingReportedValueFailsShowingWhatTheTwinHolds() {
        hub.hub().devices().create("dev1");
        hub.hub().twins().patchReported("dev1", "{\"firmware\":\"1.1\"}", null);
        assertThatThrownBy(() -> assertThat(hub.hub()).twin("dev1").hasReported("firmware", "1.2")
                .within(Duration.ofMillis(20)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expected the twin of device 'dev1' to have reported firmware = 1.2 within 20 ms, but it has"
                        + " reported {firmware=1.1} (version 2), desired {} (version 1), disconnected");
        assertThatThrownBy(() -> assertThat(hub.hub()).twin("nobody").hasReported("x", 1).now())
                .hasMessageEndingWith("but no device 'nobody' is registered");
    }

    @Test
    void wasInvokedWaitsAndFailsListingWhatWasInvoked() {
        hub.hub().devices().create("dev1");
        hub.hub().methods().answerFor("dev1", MethodHandler.always(200, "null"));
        CompletableFuture.runAsync(() -> hub.hub().methods().invoke("dev1", "reboot", null));
        MethodInvocation invocation = assertThat(hub.hub()).methods("dev1").wasInvoked("reboot").within(WAIT);
        assertThat(invocation.methodName()).isEqualTo("reboot");

        hub.hub().methods().invokeAsync("dev1", MethodRequest.of("status", null));
        assertThatThrownBy(() -> assertThat(hub.hub()).methods("dev1").wasInvoked("rebooot").now())
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expected method 'rebooot' to be invoked on device 'dev1' within 0 ms, but it was not."
                        + " Invoked on it: [reboot, status] (not connected)");
    }
}
