package io.github.iothubkit.fakehub.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.HubInternals;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.method.MethodException;
import io.github.iothubkit.fakehub.method.MethodRequest;
import io.github.iothubkit.fakehub.method.MethodResult;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.security.MqttWire;
import io.github.iothubkit.fakehub.twin.TwinsSpi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Twins and methods live in their owners and push through whatever session a device has: a real MQTT device
 * and a second transport in miniature ({@link StubLink}, which only reports its session to
 * {@link DeviceSessions}) get the same desired patch and the same method request from the same owners, and
 * each one's answer completes its invocation.
 */
class TwinsAndMethodsForEveryTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static FakeIotHubExtension extension = FakeIotHubExtension.newInstance().build();

    @Test
    void desiredPatchReachesTheSubscribedSessionOnEitherTransport() throws IOException {
        FakeIotHub hub = extension.hub();
        DeviceIdentity mqttDevice = hub.devices().create("mqtt-desired");
        hub.devices().create("stub-desired");

        String mqtt;
        try (MqttWire wire = MqttWire.connected(hub, "mqtt-desired", mqttDevice.primaryKey(), 60)) {
            subscribe(wire, "$iothub/twin/PATCH/properties/desired/#");
            hub.twins().patchDesired("mqtt-desired", "{\"fw\":\"2.0\"}");
            MqttWire.Packet patch = wire.read();
            assertThat(patch.topic()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=2");
            mqtt = payload(patch);
        }

        StubLink link = StubLink.connect(context(hub).sessions(), "stub-desired", false);
        hub.twins().patchDesired("stub-desired", "{\"fw\":\"1.0\"}");
        assertThat(link.desiredPatches()).as("nothing before the session subscribes").isEmpty();
        link.subscribe(Feature.TWIN_DESIRED);
        assertThat(hub.twins().isSubscribedToDesired("stub-desired")).isTrue();
        hub.twins().patchDesired("stub-desired", "{\"fw\":\"2.0\"}");

        assertThat(mqtt).isEqualTo("{\"fw\":\"2.0\",\"$version\":2}");
        assertThat(link.desiredPatches()).containsExactly("3 {\"fw\":\"2.0\",\"$version\":3}");
    }

    @Test
    void methodRequestGoesToTheSessionAndItsAnswerCompletesTheInvocationOnEitherTransport() throws Exception {
        FakeIotHub hub = extension.hub();
        DeviceIdentity mqttDevice = hub.devices().create("mqtt-method");
        hub.devices().create("stub-method");

        MethodResult mqtt;
        try (MqttWire wire = MqttWire.connected(hub, "mqtt-method", mqttDevice.primaryKey(), 60)) {
            subscribe(wire, "$iothub/methods/POST/#");
            CompletableFuture<MethodResult> call = hub.methods().invokeAsync("mqtt-method",
                    MethodRequest.of("reboot", "{\"in\":5}"));
            MqttWire.Packet request = wire.read();
            assertThat(request.topic()).startsWith("$iothub/methods/POST/reboot/?$rid=");
            assertThat(payload(request)).isEqualTo("{\"in\":5}");
            String rid = request.topic().substring(request.topic().indexOf("$rid=") + 5);
            wire.publish(("$iothub/methods/res/200/?$rid=" + rid).getBytes(StandardCharsets.UTF_8), 0,
                    "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
            mqtt = call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        StubLink link = StubLink.connect(context(hub).sessions(), "stub-method", false);
        CompletableFuture<MethodResult> call = hub.methods().invokeAsync("stub-method",
                MethodRequest.of("reboot", "{\"in\":5}").withConnectTimeout(Duration.ofSeconds(30)));
        assertThat(link.methodRequests()).as("waits for a subscription to methods").isEmpty();
        link.subscribe(Feature.METHODS);
        assertThat(link.methodRequests()).hasSize(1);
        String[] request = link.methodRequests().get(0);
        assertThat(Arrays.asList(request).subList(1, 3)).containsExactly("reboot", "{\"in\":5}");
        assertThat(hub.methods().respond("stub-method", request[0], 200, "{\"ok\":true}")).isTrue();

        assertThat(mqtt).isEqualTo(new MethodResult(200, "{\"ok\":true}"));
        assertThat(call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(mqtt);
    }

    @Test
    void aSessionThatTookOverGetsTheRequestsAndAClosedOneCountsAsOffline() {
        FakeIotHub hub = extension.hub();
        hub.devices().create("stub-takeover");
        DeviceSessions sessions = context(hub).sessions();
        StubLink first = StubLink.connect(sessions, "stub-takeover", false).subscribe(Feature.METHODS);
        StubLink second = StubLink.open(sessions, "stub-takeover", "OTHER", false, false).subscribe(Feature.METHODS);
        hub.methods().invokeAsync("stub-takeover", MethodRequest.of("m", "null"));
        assertThat(first.droppedAs()).isEqualTo(Drop.CLEAN);
        assertThat(first.methodRequests()).isEmpty();
        assertThat(second.methodRequests()).hasSize(1);

        second.disconnect();
        assertThat(hub.methods().isSubscribed("stub-takeover")).isFalse();
        assertThatThrownBy(() -> hub.methods().invoke("stub-takeover", "m", null))
                .isInstanceOfSatisfying(MethodException.class, e -> assertThat(e.errorCode()).isEqualTo(404103));
    }

    @Test
    void twinRequestsOfAStubSessionAreAnsweredThroughItOnlyWhileSubscribedToResponses() {
        FakeIotHub hub = extension.hub();
        hub.devices().create("stub-twin");
        TwinsSpi twins = TwinsSpi.of(context(hub).twins());
        StubLink link = StubLink.connect(context(hub).sessions(), "stub-twin", false);
        twins.devicePatchReported(link, "unheard", "{\"a\":1}", null);
        assertThat(link.twinResponses()).as("applied, not answered").isEmpty();
        assertThat(hub.twins().get("stub-twin").reportedVersion()).isEqualTo(2);

        link.subscribe(Feature.TWIN_RESPONSES);
        twins.devicePatchReported(link, "r1", "{\"a\":2}", null);
        twins.deviceGet(link, "r2");
        twins.deviceBadRequest(link, "r3", "no such operation");
        assertThat(link.twinResponses()).hasSize(3);
        assertThat(link.twinResponses().get(0)).isEqualTo("204 r1 3 ");
        assertThat(link.twinResponses().get(1)).startsWith("200 r2 null {").contains("\"a\":2");
        assertThat(link.twinResponses().get(2)).startsWith("400 r3 null {\"errorCode\":400004");
    }

    private static HubContext context(FakeIotHub hub) {
        return HubInternals.context(hub);
    }

    private static void subscribe(MqttWire wire, String filter) throws IOException {
        wire.subscribe(7, filter.getBytes(StandardCharsets.UTF_8), 1);
        assertThat(wire.read().type()).as("SUBACK").isEqualTo(9);
    }

    /** The payload of a QoS 0 PUBLISH: what follows the topic. */
    private static String payload(MqttWire.Packet publish) {
        int topicLength = (publish.body()[0] & 0xff) << 8 | publish.body()[1] & 0xff;
        return new String(publish.body(), 2 + topicLength, publish.body().length - 2 - topicLength,
                StandardCharsets.UTF_8);
    }
}
