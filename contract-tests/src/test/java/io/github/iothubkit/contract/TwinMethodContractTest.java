package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubkit.contract.clients.DeviceClients;
import io.github.iothubkit.contract.target.HubExtension;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.TestDevice;
import io.github.iothubkit.contract.target.TestDevices;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Device twins and direct methods through the real SDKs only: {@code DeviceClient} over MQTT, {@code TwinClient}
 * and {@code DirectMethodsClient} over HTTPS. Runs on both targets.
 */
@ExtendWith(HubExtension.class)
class TwinMethodContractTest {

    private HubUnderTest hub;

    @BeforeEach
    void trust(HubUnderTest hub) {
        this.hub = hub;
        if (hub.sslContext() != null) { // the service SDK's REST clients have no trust option of their own
            HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
        }
    }

    private DeviceClient device(TestDevice device) throws Exception {
        DeviceClient client = DeviceClients.mqtt(hub, device);
        client.open(true);
        return client;
    }

    @Test
    void reportedPropertiesAreVisibleToTheService(TestDevices devices) throws Exception {
        TestDevice device = devices.create("twin-reported");
        String value = UUID.randomUUID().toString();
        DeviceClient client = device(device);
        try {
            client.subscribeToDesiredProperties((twin, ctx) -> { }, null);
            com.microsoft.azure.sdk.iot.device.twin.TwinCollection reported =
                    new com.microsoft.azure.sdk.iot.device.twin.TwinCollection();
            reported.put("contract", value);
            ReportedPropertiesUpdateResponse response =
                    DeviceClients.retryingTimeouts(() -> client.updateReportedProperties(reported, 10_000));
            assertThat(response.getVersion()).isGreaterThan(1); // a new twin's reported $version is 1

            Twin twin = new TwinClient(hub.serviceConnectionString()).get(device.deviceId());
            assertThat(twin.getReportedProperties()).containsEntry("contract", value);
            assertThat(twin.getReportedProperties().getVersion()).isEqualTo(response.getVersion());
        } finally {
            client.close();
        }
    }

    @Test
    void desiredPropertiesReachTheDeviceWithTheirVersion(TestDevices devices) throws Exception {
        TestDevice device = devices.create("twin-desired");
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> updates = new LinkedBlockingQueue<>();
        DeviceClient client = device(device);
        try {
            client.subscribeToDesiredProperties((twin, ctx) -> updates.add(twin), null);
            TwinClient twins = new TwinClient(hub.serviceConnectionString());
            Twin twin = twins.get(device.deviceId());
            twin.getDesiredProperties().put("target", 21);
            int version = twins.patch(twin).getDesiredProperties().getVersion();

            long waitMs = hub.deliveryTimeout().toMillis();
            com.microsoft.azure.sdk.iot.device.twin.Twin seen;
            do { // the SDK may first call back with the twin as it was when it subscribed
                seen = updates.poll(waitMs, TimeUnit.MILLISECONDS);
                assertThat(seen).as("a desired update with version " + version).isNotNull();
            } while (seen.getDesiredProperties().getVersion() < version);
            assertThat(seen.getDesiredProperties().getVersion()).isEqualTo(version);
            assertThat(((Number) seen.getDesiredProperties().get("target")).intValue()).isEqualTo(21);

            Twin stale = twins.get(device.deviceId());
            stale.getDesiredProperties().put("target", 22);
            assertThatThrownBy(() -> twins.patch(stale, twin.getETag()))
                    .isInstanceOf(IotHubPreconditionFailedException.class);
        } finally {
            client.close();
        }
    }

    @Test
    void directMethodRoundTrip(TestDevices devices) throws Exception {
        TestDevice device = devices.create("method");
        DeviceClient client = device(device);
        try {
            client.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(201,
                    Map.of("method", name, "got", payload.getPayloadAsJsonString())), null);
            var response = new DirectMethodsClient(hub.serviceConnectionString()).invoke(device.deviceId(), "reboot",
                    DirectMethodRequestOptions.builder().payload(Map.of("delay", 5))
                            .methodResponseTimeoutSeconds(20).methodConnectTimeoutSeconds(0).build());
            assertThat(response.getStatus()).isEqualTo(201);
            assertThat(response.getPayloadAsJsonString()).contains("\"method\":\"reboot\"").contains("delay");
        } finally {
            client.close();
        }
    }

    @Test
    void methodOnAnOfflineDeviceIs404103(TestDevices devices) {
        TestDevice device = devices.create("method-offline");
        assertThatThrownBy(() -> new DirectMethodsClient(hub.serviceConnectionString()).invoke(device.deviceId(), "m",
                DirectMethodRequestOptions.builder().methodConnectTimeoutSeconds(0).methodResponseTimeoutSeconds(5)
                        .build()))
                .isInstanceOfSatisfying(IotHubNotFoundException.class, e -> assertThat(e.getErrorCode()).isEqualTo(404103));
    }
}
