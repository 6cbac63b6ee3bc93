package io.github.iothubkit.fakehub.method;

import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.ErrorCodeDescription;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubkit.fakehub.clients.HubClients;
import io.github.iothubkit.fakehub.clients.SdkTwinCalls;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Direct methods end to end with the real SDKs: {@code DeviceClient} 2.5.0 over MQTT/TLS answers, and
 * {@code DirectMethodsClient} 2.1.9 invokes over HTTPS on 443. The hub's manual clock drives the timeouts.
 */
class MethodSdkAcceptanceTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().manualClock()
            .configure(b -> b.httpsPort(443)).build();

    private static DirectMethodsClient methods;

    @BeforeAll
    static void serviceClient() {
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.hub().trust().sslContext().getSocketFactory());
        methods = new DirectMethodsClient(hub.hub().serviceConnectionString());
    }

    private DeviceClient answeringDevice(String id, com.microsoft.azure.sdk.iot.device.twin.MethodCallback callback)
            throws Exception {
        DeviceIdentity device = hub.hub().devices().find(id).orElseGet(() -> hub.hub().devices().create(id));
        DeviceClient client = HubClients.deviceClient(hub.hub(), device);
        client.open(true);
        client.subscribeToMethods(callback, null);
        return client;
    }

    @Test
    void roundTripCarriesPayloadsAndTheDevicesStatus() throws Exception {
        DeviceClient device = answeringDevice("robot", (name, payload, ctx) -> new DirectMethodResponse(
                name.equals("reboot") ? 200 : 501, Map.of("echo", payload.getPayloadAsJsonString(), "method", name)));
        try {
            var response = methods.invoke("robot", "reboot", DirectMethodRequestOptions.builder()
                    .payload(Map.of("delay", 5)).build());
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getPayloadAsJsonString()).contains("\"method\":\"reboot\"").contains("delay");
            assertThat(hub.hub()).methods("robot").wasInvoked("reboot").within(WAIT);

            var unknown = methods.invoke("robot", "selfDestruct");
            assertThat(unknown.getStatus()).isEqualTo(501); // the device's status, with HTTP 200
            assertThat(unknown.getPayloadAsJsonString()).contains("\"echo\":\"null\"");
        } finally {
            device.close();
        }
    }

    @Test
    void concurrentInvocationsGetTheirOwnAnswers() throws Exception {
        DeviceClient device = answeringDevice("busy", (name, payload, ctx) -> new DirectMethodResponse(200, name));
        try {
            var calls = java.util.stream.IntStream.range(0, 4).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                try {
                    return methods.invoke("busy", "m" + i).getPayloadAsJsonString();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            })).toList();
            for (int i = 0; i < 4; i++) {
                assertThat(calls.get(i).get(20, TimeUnit.SECONDS)).isEqualTo("\"m" + i + "\"");
            }
        } finally {
            device.close();
        }
    }

    @Test
    void offlineOrUnknownDeviceIs404WithIotHubsCodes() throws Exception {
        hub.hub().devices().create("sleeper");
        DirectMethodRequestOptions noWait = DirectMethodRequestOptions.builder().methodConnectTimeoutSeconds(0).build();
        assertThatThrownBy(() -> methods.invoke("sleeper", "wake", noWait))
                .isInstanceOfSatisfying(IotHubNotFoundException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(404103);
                    assertThat(e.getErrorCodeDescription()).isEqualTo(ErrorCodeDescription.DeviceNotOnline);
                });
        assertThatThrownBy(() -> methods.invoke("ghost", "wake", noWait))
                .isInstanceOfSatisfying(IotHubNotFoundException.class, e -> assertThat(e.getErrorCode()).isEqualTo(404001));

        // the SDK's default connect timeout (200 s) passes on the hub clock, not the wall clock
        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return methods.invoke("sleeper", "wakeLater");
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        hub.hub().methods().awaitInvocation("sleeper", "wakeLater", WAIT);
        hub.hub().clock().advance(Duration.ofSeconds(200));
        assertThatThrownBy(() -> waiting.get(15, TimeUnit.SECONDS)).hasCauseInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubNotFoundException) e.getCause()).getErrorCode()).isEqualTo(404103));
    }

    @Test
    void waitsForTheDeviceToConnectWithinTheConnectTimeout() throws Exception {
        hub.hub().devices().create("late");
        CompletableFuture<Integer> call = CompletableFuture.supplyAsync(() -> {
            try {
                return methods.invoke("late", "hello", DirectMethodRequestOptions.builder()
                        .methodConnectTimeoutSeconds(60).methodResponseTimeoutSeconds(20).build()).getStatus();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        hub.hub().methods().awaitInvocation("late", "hello", WAIT);
        DeviceClient device = answeringDevice("late", (name, payload, ctx) -> new DirectMethodResponse(202, null));
        try {
            assertThat(call.get(20, TimeUnit.SECONDS)).isEqualTo(202);
        } finally {
            device.close();
        }
    }

    @Test
    void noAnswerInTimeIs504AndTheLateAnswerIsDroppedWithoutHarm() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DeviceClient device = answeringDevice("slow", (name, payload, ctx) -> {
            if (name.equals("stall")) {
                received.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new DirectMethodResponse(200, name);
        });
        try {
            CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return methods.invoke("slow", "stall", DirectMethodRequestOptions.builder()
                            .methodResponseTimeoutSeconds(10).build());
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            assertThat(received.await(15, TimeUnit.SECONDS)).as("the device got the request").isTrue();
            hub.hub().clock().advance(Duration.ofSeconds(10));
            assertThatThrownBy(() -> call.get(15, TimeUnit.SECONDS)).hasCauseInstanceOf(IotHubGatewayTimeoutException.class)
                    .satisfies(e -> assertThat(((IotHubGatewayTimeoutException) e.getCause()).getErrorCode())
                            .isEqualTo(504101));
            release.countDown(); // the device answers now, too late

            assertThat(methods.invoke("slow", "ping").getPayloadAsJsonString()).isEqualTo("\"ping\"");
            assertThat(hub.hub().methods().invocations("slow")).extracting(MethodInvocation::methodName)
                    .containsExactly("stall", "ping");
            assertThat(hub.hub().methods().invocations("slow").get(0).error().errorCode()).isEqualTo(504101);
        } finally {
            release.countDown();
            device.close();
        }
    }

    @Test
    void methodsAndTwinsWorkOverMqttOnWebSockets() throws Exception {
        DeviceIdentity identity = hub.hub().devices().create("ws-device");
        DeviceClient device = new DeviceClient(identity.connectionString(),
                com.microsoft.azure.sdk.iot.device.IotHubClientProtocol.MQTT_WS,
                com.microsoft.azure.sdk.iot.device.ClientOptions.builder().sslContext(hub.hub().trust().sslContext())
                        .build());
        device.open(true);
        try {
            device.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, "ws:" + name), null);
            device.subscribeToDesiredProperties((twin, ctx) -> { }, null);
            assertThat(methods.invoke("ws-device", "ping").getPayloadAsJsonString()).isEqualTo("\"ws:ping\"");
            com.microsoft.azure.sdk.iot.device.twin.TwinCollection reported =
                    new com.microsoft.azure.sdk.iot.device.twin.TwinCollection();
            reported.put("transport", "mqtt-ws");
            int version = SdkTwinCalls.retryingTimeouts(() -> device.updateReportedProperties(reported, 10_000)).getVersion();
            assertThat(version).isEqualTo(hub.hub().twins().get("ws-device").reportedVersion()).isGreaterThanOrEqualTo(2);
            assertThat(hub.hub()).twin("ws-device").hasReported("transport", "mqtt-ws").within(WAIT);
        } finally {
            device.close();
        }
    }

    @Test
    void aSimulatedDeviceAnswersServiceSideCode() throws Exception {
        hub.hub().devices().create("simulated");
        hub.hub().methods().answerFor("simulated", MethodHandler.always(200, "{\"firmware\":\"2.0\"}"));
        var response = methods.invoke("simulated", "getFirmware");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getPayloadAsJsonString()).isEqualTo("{\"firmware\":\"2.0\"}");
        assertThat(hub.hub()).methods("simulated").wasInvoked("getFirmware").now();
    }
}
