package io.github.iothubkit.fakehub.twin;

import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubkit.fakehub.clients.HubClients;
import io.github.iothubkit.fakehub.clients.SdkTwinCalls;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device twins end to end with the real SDKs: {@code DeviceClient} 2.5.0 over MQTT/TLS and {@code TwinClient} /
 * {@code QueryClient} 2.1.9 over HTTPS on 443, on a hub with a manual clock.
 */
class TwinSdkAcceptanceTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().manualClock()
            .configure(b -> b.httpsPort(443)).build();

    private static TwinClient twins;

    @BeforeAll
    static void serviceClients() {
        // TwinClient has no TLS option; every hub in this JVM shares one CA, so this is safe.
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.hub().trust().sslContext().getSocketFactory());
        twins = new TwinClient(hub.hub().serviceConnectionString());
    }

    /** {@code getTwin} with {@link SdkTwinCalls}' retry for the Java device SDK 2.5.0's own race. */
    private static com.microsoft.azure.sdk.iot.device.twin.Twin getTwin(DeviceClient client) throws Exception {
        return SdkTwinCalls.retryingTimeouts(() -> client.getTwin(10_000));
    }

    @Test
    void reportedPropertiesReachTheServiceWithVersionAndHubClockMetadata() throws Exception {
        DeviceIdentity device = hub.hub().devices().create("reporter");
        DeviceClient client = HubClients.deviceClient(hub.hub(), device);
        client.open(true);
        try {
            client.subscribeToDesiredProperties((twin, ctx) -> { }, null);
            com.microsoft.azure.sdk.iot.device.twin.TwinCollection reported =
                    new com.microsoft.azure.sdk.iot.device.twin.TwinCollection();
            reported.put("firmware", "1.2");
            reported.put("battery", 97);
            ReportedPropertiesUpdateResponse response =
                    SdkTwinCalls.retryingTimeouts(() -> client.updateReportedProperties(reported, 10_000));
            int version = hub.hub().twins().get("reporter").reportedVersion();
            assertThat(response.getVersion()).isEqualTo(version).isGreaterThanOrEqualTo(2); // 2 unless a retry was needed

            assertThat(hub.hub()).twin("reporter").hasReported("firmware", "1.2").within(WAIT);
            Twin twin = twins.get("reporter");
            assertThat(twin.getReportedProperties()).containsEntry("firmware", "1.2");
            assertThat(twin.getReportedProperties().getVersion()).isEqualTo(version);
            assertThat(twin.getDesiredProperties().getVersion()).isEqualTo(1);
            assertThat(twin.getConnectionState()).isEqualTo("CONNECTED"); // the SDK upper-cases IoT Hub's "Connected"
            assertThat(twin.getReportedProperties().getTwinMetadata("firmware").getLastUpdated())
                    .isEqualTo(java.util.Date.from(hub.hub().clock().now()));

            // the device reads back what it reported, with the version it came from
            com.microsoft.azure.sdk.iot.device.twin.Twin own = getTwin(client);
            assertThat(own.getReportedProperties()).containsEntry("firmware", "1.2");
            assertThat(own.getReportedProperties().getVersion()).isEqualTo(version);
        } finally {
            client.close();
        }
    }

    @Test
    void desiredPatchesReachTheSubscribedDeviceInVersionOrder() throws Exception {
        DeviceIdentity device = hub.hub().devices().create("thermostat");
        DeviceClient client = HubClients.deviceClient(hub.hub(), device);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> updates = new LinkedBlockingQueue<>();
        client.open(true);
        try {
            client.subscribeToDesiredProperties((twin, ctx) -> updates.add(twin), null);
            // The SDK calls back once with the full twin right after subscribing: drain it if it comes.
            updates.poll(2, TimeUnit.SECONDS);
            updates.clear();

            Twin twin = twins.get("thermostat");
            twin.getDesiredProperties().put("target", 21);
            twin.getDesiredProperties().put("mode", "eco");
            Twin patched = twins.patch(twin);
            assertThat(patched.getDesiredProperties().getVersion()).isEqualTo(2);

            com.microsoft.azure.sdk.iot.device.twin.Twin first = updates.poll(15, TimeUnit.SECONDS);
            assertThat(first).as("first desired patch").isNotNull();
            assertThat(first.getDesiredProperties().getVersion()).isEqualTo(2);
            assertThat(((Number) first.getDesiredProperties().get("target")).intValue()).isEqualTo(21);

            hub.hub().twins().patchDesired("thermostat", "{\"target\":22,\"mode\":null}");
            com.microsoft.azure.sdk.iot.device.twin.Twin second = updates.poll(15, TimeUnit.SECONDS);
            assertThat(second).as("second desired patch").isNotNull();
            assertThat(second.getDesiredProperties().getVersion()).isEqualTo(3);
            assertThat(((Number) second.getDesiredProperties().get("target")).intValue()).isEqualTo(22);
            assertThat(twins.get("thermostat").getDesiredProperties()).doesNotContainKey("mode");

            com.microsoft.azure.sdk.iot.device.twin.Twin full = getTwin(client);
            assertThat(full.getDesiredProperties().getVersion()).isEqualTo(3);
            assertThat(full.getDesiredProperties()).doesNotContainKey("mode");
        } finally {
            client.close();
        }
    }

    @Test
    void tagsReplaceEtagsAndErrors() throws Exception {
        hub.hub().devices().create("tagged");
        Twin twin = twins.get("tagged");
        assertThat(twin.getVersion()).isEqualTo(1);
        twin.getTags().put("site", "north");
        Twin updated = twins.patch(twin);
        assertThat(updated.getTags()).containsEntry("site", "north");
        assertThat(updated.getETag()).isNotEqualTo(twin.getETag());

        // the stale etag is refused, the current one and * are accepted (the SDK sends If-Match only when given one)
        Twin stale = twins.get("tagged");
        stale.getTags().put("site", "south");
        assertThatThrownBy(() -> twins.patch(stale, twin.getETag()))
                .isInstanceOfSatisfying(IotHubPreconditionFailedException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(412001));
        assertThat(twins.patch(stale, "*").getTags()).containsEntry("site", "south");
        Twin replacement = new Twin("tagged");
        replacement.getTags().put("room", 4);
        Twin replaced = twins.replace(replacement, twins.get("tagged").getETag());
        assertThat(replaced.getTags()).containsOnlyKeys("room");

        hub.hub().twins().throttleUpdates("tagged", 1);
        Twin throttled = twins.get("tagged");
        throttled.getTags().put("x", 1);
        assertThatThrownBy(() -> twins.patch(throttled)).isInstanceOf(IotHubTooManyRequestsException.class);
        assertThat(twins.patch(throttled).getTags()).containsEntry("x", 1L);

        Twin badKey = twins.get("tagged");
        badKey.getDesiredProperties().put("a b", 1);
        assertThatThrownBy(() -> twins.patch(badKey)).isInstanceOfSatisfying(IotHubBadFormatException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo(400004));

        assertThatThrownBy(() -> twins.get("ghost")).isInstanceOfSatisfying(IotHubNotFoundException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo(404001));
        hub.hub().devices().delete("tagged");
        hub.hub().devices().create("tagged");
        Twin reborn = twins.get("tagged");
        assertThat(reborn.getVersion()).isEqualTo(1);
        assertThat(reborn.getTags()).isEmpty();
    }

    @Test
    void queriesPageThroughTheMatchingTwinsAndRefuseWhatIsNotSupported() throws Exception {
        for (int i = 0; i < 5; i++) {
            hub.hub().devices().create("q" + i);
            hub.hub().twins().update("q" + i, "{\"tags\":{\"site\":\"" + (i % 2 == 0 ? "north" : "south")
                    + "\",\"n\":" + i + "}}", null);
        }
        QueryClient query = new QueryClient(hub.hub().serviceConnectionString());
        TwinQueryResponse response = query.queryTwins("SELECT * FROM devices WHERE tags.site = 'north' AND tags.n >= 1",
                QueryPageOptions.builder().pageSize(1).build());
        List<String> ids = new ArrayList<>();
        while (response.hasNext()) {
            ids.add(response.next().getDeviceId());
        }
        assertThat(ids).containsExactly("q2", "q4");

        TwinQueryResponse all = twins.query("SELECT * FROM devices WHERE NOT IS_DEFINED(tags.missing)");
        int count = 0;
        while (all.hasNext()) {
            all.next();
            count++;
        }
        assertThat(count).isEqualTo(5);

        assertThatThrownBy(() -> query.queryTwins("SELECT deviceId FROM devices").hasNext())
                .isInstanceOf(IotHubException.class).hasMessageContaining("does not support");
    }
}
