package io.github.iothubkit.fakehub.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DirectMethodsTest {

    private final HubClock clock = HubClock.manual(Instant.parse("2030-01-01T00:00:00Z"));
    private final DeviceRegistry registry = new DeviceRegistry("127.0.0.1");
    private final DirectMethods methods = new DirectMethods(registry, clock);
    /** What the fake device session received: rid, name, payload. */
    private final List<String[]> delivered = new ArrayList<>();

    @BeforeEach
    void device() {
        registry.create("dev1");
    }

    private AutoCloseable connectDevice() {
        return methods.subscribed("dev1", (rid, name, payload) -> delivered.add(new String[] {rid, name, payload}));
    }

    @Test
    void answerReachesTheCallerWithStatusAndPayload() throws Exception {
        connectDevice();
        CompletableFuture<MethodResult> result = methods.invokeAsync("dev1", MethodRequest.of("reboot", "{\"in\":5}"));
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0)[1]).isEqualTo("reboot");
        assertThat(delivered.get(0)[2]).isEqualTo("{\"in\":5}");
        assertThat(methods.respond("dev1", delivered.get(0)[0], 503, "{\"busy\":true}")).isTrue();
        assertThat(result.get()).isEqualTo(new MethodResult(503, "{\"busy\":true}"));
        assertThat(methods.invocations("dev1")).singleElement().satisfies(i -> {
            assertThat(i.methodName()).isEqualTo("reboot");
            assertThat(i.result().status()).isEqualTo(503);
        });
    }

    @Test
    void concurrentInvocationsAreCorrelatedByRequestId() throws Exception {
        connectDevice();
        CompletableFuture<MethodResult> first = methods.invokeAsync("dev1", MethodRequest.of("a", "1"));
        CompletableFuture<MethodResult> second = methods.invokeAsync("dev1", MethodRequest.of("b", "2"));
        assertThat(delivered.get(0)[0]).isNotEqualTo(delivered.get(1)[0]);
        methods.respond("dev1", delivered.get(1)[0], 200, "\"b-answer\"");
        methods.respond("dev1", delivered.get(0)[0], 201, "\"a-answer\"");
        assertThat(first.get()).isEqualTo(new MethodResult(201, "\"a-answer\""));
        assertThat(second.get()).isEqualTo(new MethodResult(200, "\"b-answer\""));
    }

    @Test
    void offlineDeviceWithoutConnectTimeoutIs404103AtOnce() {
        assertThatThrownBy(() -> methods.invoke("dev1", "reboot", null)).isInstanceOfSatisfying(MethodException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(404103);
                    assertThat(e.getMessage()).isEqualTo("Timed out waiting for device to connect.");
                    assertThat(e.infoJson()).isEqualTo("{\"timeout\":\"00:00:00\"}");
                });
    }

    @Test
    void waitsForTheDeviceToSubscribeWithinTheConnectTimeout() throws Exception {
        CompletableFuture<MethodResult> result = methods.invokeAsync("dev1",
                MethodRequest.of("m", "null").withConnectTimeout(Duration.ofSeconds(30)));
        clock.advance(Duration.ofSeconds(29));
        methods.expireDue();
        assertThat(result).isNotDone();
        connectDevice();
        assertThat(delivered).hasSize(1);
        methods.respond("dev1", delivered.get(0)[0], 200, null);
        assertThat(result.get()).isEqualTo(new MethodResult(200, "null"));
    }

    @Test
    void connectTimeoutPassingOnTheHubClockIs404103WithTheTimeout() {
        CompletableFuture<MethodResult> result = methods.invokeAsync("dev1",
                MethodRequest.of("m", "null").withConnectTimeout(Duration.ofSeconds(90)));
        clock.advance(Duration.ofSeconds(90));
        methods.expireDue();
        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(MethodException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(404103);
                    assertThat(e.infoJson()).isEqualTo("{\"timeout\":\"00:01:30\"}");
                });
    }

    @Test
    void noAnswerInTimeIs504101AndALateAnswerIsDropped() {
        connectDevice();
        CompletableFuture<MethodResult> result = methods.invokeAsync("dev1",
                MethodRequest.of("m", "{}").withResponseTimeout(Duration.ofSeconds(10)));
        clock.advance(Duration.ofSeconds(9));
        methods.expireDue();
        assertThat(result).isNotDone();
        clock.advance(Duration.ofSeconds(1));
        methods.expireDue();
        assertThatThrownBy(result::join).cause().isInstanceOfSatisfying(MethodException.class, e -> {
            assertThat(e.status()).isEqualTo(504);
            assertThat(e.errorCode()).isEqualTo(504101);
        });
        assertThat(methods.respond("dev1", delivered.get(0)[0], 200, "{}")).isFalse();
        assertThat(methods.invocations("dev1").get(0).error().errorCode()).isEqualTo(504101);
    }

    @Test
    void limitsOnNameTimeoutsPayloadAndDevice() {
        connectDevice();
        assertRefused(MethodRequest.of("bad name", "null"), 400004);
        assertRefused(MethodRequest.of("a/b", "null"), 400004);
        assertRefused(MethodRequest.of("m", "null").withResponseTimeout(Duration.ofSeconds(4)), 400004);
        assertRefused(MethodRequest.of("m", "null").withResponseTimeout(Duration.ofSeconds(301)), 400004);
        assertRefused(MethodRequest.of("m", "null").withConnectTimeout(Duration.ofSeconds(301)), 400004);
        assertRefused(MethodRequest.of("m", "\"" + "x".repeat(128 * 1024) + "\""), 400004);
        assertRefused(MethodRequest.of("m", "{not json"), 400004);
        assertThatThrownBy(() -> methods.invoke("ghost", "m", null)).isInstanceOfSatisfying(MethodException.class,
                e -> assertThat(e.errorCode()).isEqualTo(404001));
        assertThat(delivered).isEmpty();
        methods.invokeAsync("dev1", MethodRequest.of("m", "\"" + "x".repeat(128 * 1024 - 2) + "\""));
        assertThat(delivered).hasSize(1);
    }

    @Test
    void simulatedDeviceAnswersUntilARealSessionSubscribes() throws Exception {
        methods.answerFor("dev1", MethodHandler.always(200, "{\"sim\":true}"));
        assertThat(methods.invoke("dev1", "m", null)).isEqualTo(new MethodResult(200, "{\"sim\":true}"));
        connectDevice();
        CompletableFuture<MethodResult> real = methods.invokeAsync("dev1", MethodRequest.of("m", "null"));
        assertThat(delivered).hasSize(1);
        assertThat(real).isNotDone();
    }

    @Test
    void simulatedDeviceThatNeverAnswersTimesOut() {
        methods.answerFor("dev1", MethodHandler.neverAnswers());
        CompletableFuture<MethodResult> result = methods.invokeAsync("dev1", MethodRequest.of("m", "null"));
        clock.advance(MethodRequest.DEFAULT_RESPONSE_TIMEOUT);
        methods.expireDue();
        assertThatThrownBy(result::join).cause().isInstanceOfSatisfying(MethodException.class,
                e -> assertThat(e.errorCode()).isEqualTo(504101));
    }

    @Test
    void closedSessionNoLongerCountsAsOnline() throws Exception {
        connectDevice().close();
        assertThat(methods.isSubscribed("dev1")).isFalse();
        assertThatThrownBy(() -> methods.invoke("dev1", "m", null)).isInstanceOf(MethodException.class);
    }

    @Test
    void awaitInvocationSeesItOrSaysWhatWasInvoked() {
        methods.invokeAsync("dev1", MethodRequest.of("other", "null"));
        CompletableFuture.runAsync(() -> methods.invokeAsync("dev1", MethodRequest.of("reboot", "null")));
        assertThat(methods.awaitInvocation("dev1", "reboot", Duration.ofSeconds(5)).methodName()).isEqualTo("reboot");
        assertThatThrownBy(() -> methods.awaitInvocation("dev1", "nope", Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("[other, reboot]");
    }

    @Test
    void deletedDeviceFailsWaitingInvocationsWith404001() {
        CompletableFuture<MethodResult> result = methods.invokeAsync("dev1",
                MethodRequest.of("m", "null").withConnectTimeout(Duration.ofSeconds(60)));
        methods.deviceDeleted("dev1");
        assertThatThrownBy(result::join).cause().isInstanceOfSatisfying(MethodException.class,
                e -> assertThat(e.errorCode()).isEqualTo(404001));
    }

    private void assertRefused(MethodRequest request, int code) {
        assertThatThrownBy(() -> methods.invoke("dev1", request)).as(request.methodName())
                .isInstanceOfSatisfying(MethodException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
    }
}
