package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.FrontDoorHub;
import io.github.iothubkit.fakehub.clients.SdkTwinCalls;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.method.MethodResult;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Twins and direct methods with the real Java device SDK over AMQPS and AMQPS_WS: the twin and method link
 * pairs reach the same {@code twin/} and {@code method/} owners as MQTT.
 */
class TwinMethodAmqpAcceptanceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final FakeIotHubExtension HUB = FrontDoorHub.at("127.0.0.217");

    private static FakeIotHub hub() {
        return HUB.hub();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void reportedDesiredGetTwinAndAMethodRoundTrip(IotHubClientProtocol protocol) throws Exception {
        DeviceIdentity dev = hub().devices().create("twin-" + protocol);
        DeviceClient client = new DeviceClient(dev.connectionString(), protocol,
                ClientOptions.builder().sslContext(hub().trust().sslContext()).build());
        BlockingQueue<Twin> desired = new LinkedBlockingQueue<>();
        try {
            client.open(false);
            client.subscribeToDesiredProperties((twin, ctx) -> desired.add(twin), null);
            TwinCollection reported = new TwinCollection();
            reported.put("firmware", "1.2");
            ReportedPropertiesUpdateResponse response = SdkTwinCalls.retryingTimeouts(() -> client.updateReportedProperties(reported, 10_000));
            hub().twins().patchDesired(dev.deviceId(), Map.of("target", 21));
            Twin patch = null;
            for (Twin t = desired.poll(WAIT.toSeconds(), TimeUnit.SECONDS); t != null;
                    t = desired.poll(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                if (t.getDesiredProperties().containsKey("target")) {
                    patch = t;
                    break;
                }
            }
            Twin own = SdkTwinCalls.retryingTimeouts(() -> client.getTwin(10_000));

            assertThat(response.getVersion()).isEqualTo(hub().twins().get(dev.deviceId()).reportedVersion()).isPositive();
            assertThat(hub().twins().get(dev.deviceId()).reported("firmware")).isEqualTo("1.2");
            assertThat(patch).as("the desired patch within %s", WAIT).isNotNull();
            assertThat(((Number) patch.getDesiredProperties().get("target")).intValue()).isEqualTo(21);
            assertThat(patch.getDesiredProperties().getVersion()).isEqualTo(2); // the first desired patch
            assertThat(own.getReportedProperties()).containsEntry("firmware", "1.2");
            assertThat(own.getDesiredProperties().getVersion()).isEqualTo(2);

            client.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(
                    name.equals("reboot") ? 200 : 501, Map.of("method", name)), null);
            MethodResult result = hub().methods().invoke(dev.deviceId(), "reboot", "{\"delay\":5}");
            MethodResult unknown = hub().methods().invoke(dev.deviceId(), "selfDestruct", "null");

            assertThat(result.status()).isEqualTo(200);
            assertThat(result.payloadJson()).contains("\"method\":\"reboot\"");
            assertThat(unknown.status()).isEqualTo(501);
            assertThat(hub().methods().invocations(dev.deviceId())).hasSize(2);
        } finally {
            client.close();
        }
    }
}
