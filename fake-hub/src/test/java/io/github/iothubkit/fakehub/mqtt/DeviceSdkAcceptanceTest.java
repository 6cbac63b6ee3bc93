package io.github.iothubkit.fakehub.mqtt;

import static io.github.iothubkit.fakehub.assertj.FakeIotHubAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageProperty;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.c2d.FeedbackStatus;
import io.github.iothubkit.fakehub.c2d.MessageTooLargeException;
import io.github.iothubkit.fakehub.c2d.QueueFullException;
import io.github.iothubkit.fakehub.clients.HubClients;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real Azure device SDK (2.5.0, MQTT) against the fake hub, unchanged but for trust. */
class DeviceSdkAcceptanceTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** One hub for the class, reset (devices, queues, journals, clock) before each test. */
    @RegisterExtension
    static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().host("127.0.0.21").manualClock().build();

    private final List<DeviceClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(DeviceClient::close);
    }

    private DeviceClient client(DeviceIdentity device) {
        DeviceClient client = HubClients.deviceClient(hub.hub(), device);
        clients.add(client);
        return client;
    }

    private DeviceClient client(String connectionString) {
        DeviceClient client = new DeviceClient(connectionString, IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub.hub().trust().sslContext()).build());
        clients.add(client);
        return client;
    }

    /** Opens a client that puts every message it receives in the returned queue and completes it. */
    private BlockingQueue<Message> receiving(DeviceClient client) throws IotHubClientException {
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        client.setMessageCallback((message, context) -> {
            received.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        client.open(false);
        return received;
    }

    private static Map<String, String> properties(Message m) {
        return Arrays.stream(m.getProperties()).collect(Collectors.toMap(MessageProperty::getName, MessageProperty::getValue));
    }

    private static Message take(BlockingQueue<Message> queue) throws InterruptedException {
        Message m = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(m).as("a message within %s", WAIT).isNotNull();
        return m;
    }

    @Test
    void deliversEverySystemAndApplicationPropertyIntact() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-props");
        BlockingQueue<Message> received = receiving(client(dev));

        hub.hub().cloudToDevice().send("dev-props", C2dMessage.of("{\"t\":21.5}").messageId("m1").correlationId("c 1/2")
                .contentType("application/json").contentEncoding("utf-8").userId("user-1").ack(AckMode.FULL)
                .property("plain", "value").property("with space", "a b&c=d/e?f#g%h+i").property("unicode", "grüße ☃"));

        Message m = take(received);
        assertThat(new String(m.getBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":21.5}");
        assertThat(m.getMessageId()).isEqualTo("m1");
        assertThat(m.getCorrelationId()).isEqualTo("c 1/2");
        assertThat(m.getContentType()).isEqualTo("application/json");
        assertThat(m.getContentEncoding()).isEqualTo("utf-8");
        assertThat(properties(m)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "plain", "value", "with space", "a b&c=d/e?f#g%h+i", "unicode", "grüße ☃"));
        C2dRecord completed = assertThat(hub.hub()).c2d("m1").hasOutcome(C2dOutcome.COMPLETED).within(WAIT);
        assertThat(completed).wentThrough(C2dOutcome.ENQUEUED, C2dOutcome.DELIVERED, C2dOutcome.COMPLETED);
        assertThat(assertThat(hub.hub()).feedback("m1").hasStatus(FeedbackStatus.SUCCESS).within(WAIT).deviceId())
                .isEqualTo("dev-props");
    }

    @Test
    void queuesMessagesForAnOfflineDeviceAndDeliversThemInOrderOnConnect() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-offline");
        for (int i = 0; i < 3; i++) {
            hub.hub().cloudToDevice().send("dev-offline", C2dMessage.of("m" + i).messageId("off-" + i));
        }
        assertThat(hub.hub().cloudToDevice().queued("dev-offline")).hasSize(3);

        BlockingQueue<Message> received = receiving(client(dev));

        assertThat(List.of(take(received).getMessageId(), take(received).getMessageId(), take(received).getMessageId()))
                .containsExactly("off-0", "off-1", "off-2");
        assertThat(hub.hub()).c2d("off-2").hasOutcome(C2dOutcome.COMPLETED).within(WAIT);
    }

    @Test
    void refusesBadKeyUnknownAndDisabledDevices() {
        DeviceIdentity dev = hub.hub().devices().create("dev-auth");
        String wrongKey = dev.connectionString().replace(dev.primaryKey(), hub.hub().devices().create("other").primaryKey());
        assertRefused(wrongKey);
        assertRefused("HostName=127.0.0.21;DeviceId=nobody;SharedAccessKey=" + dev.primaryKey());
        hub.hub().devices().disable("dev-auth");
        assertRefused(dev.connectionString());
    }

    @Test
    void refusesAnExpiredToken() {
        DeviceIdentity dev = hub.hub().devices().create("dev-expired");
        String token = SasToken.create("127.0.0.21/devices/dev-expired", null, dev.primaryKey(),
                Instant.now().minusSeconds(60));
        assertRefused("HostName=127.0.0.21;DeviceId=dev-expired;SharedAccessSignature=" + token);
        String fresh = SasToken.create("127.0.0.21/devices/dev-expired", null, dev.primaryKey(),
                Instant.now().plusSeconds(600));
        assertThat(fresh).isNotEqualTo(token); // the same device with a valid token gets in
        assertThatCode(() -> client("HostName=127.0.0.21;DeviceId=dev-expired;SharedAccessSignature=" + fresh)
                .open(false)).doesNotThrowAnyException();
    }

    private void assertRefused(String connectionString) {
        DeviceClient client = client(connectionString);
        assertThatThrownBy(() -> client.open(false)).isInstanceOfSatisfying(IotHubClientException.class,
                e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
    }

    @Test
    void reportsQueueFullAndTooLarge() {
        hub.hub().devices().create("dev-limits");
        for (int i = 0; i < 50; i++) {
            hub.hub().cloudToDevice().send("dev-limits", C2dMessage.of("x"));
        }
        assertThatThrownBy(() -> hub.hub().cloudToDevice().send("dev-limits", C2dMessage.of("x")))
                .isInstanceOf(QueueFullException.class).hasMessageContaining("50");
        hub.hub().devices().create("dev-big");
        assertThatThrownBy(() -> hub.hub().cloudToDevice().send("dev-big", C2dMessage.of(new byte[64 * 1024 + 1])))
                .isInstanceOf(MessageTooLargeException.class);
        hub.hub().cloudToDevice().send("dev-big", C2dMessage.of(new byte[65_000]).messageId("big-ok"));
        assertThat(hub.hub().cloudToDevice().find("big-ok")).isPresent();
    }

    @Test
    void expiresMessagesWhenTheClockPassesTheirTtlAndNeverDeliversThem() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-ttl");
        hub.hub().cloudToDevice().send("dev-ttl", C2dMessage.of("old").messageId("ttl-1").ack(AckMode.NEGATIVE));
        hub.hub().cloudToDevice().send("dev-ttl", C2dMessage.of("short").messageId("ttl-2")
                .expiryTime(hub.hub().clock().now().plusSeconds(30)));
        hub.hub().cloudToDevice().send("dev-ttl", C2dMessage.of("fresh").messageId("ttl-3")
                .expiryTime(hub.hub().clock().now().plus(Duration.ofHours(3))));

        hub.hub().clock().advance(Duration.ofMinutes(61));

        assertThat(hub.hub().cloudToDevice().find("ttl-1").orElseThrow()).hasOutcome(C2dOutcome.EXPIRED);
        assertThat(hub.hub().cloudToDevice().find("ttl-2").orElseThrow()).hasOutcome(C2dOutcome.EXPIRED);
        assertThat(assertThat(hub.hub()).feedback("ttl-1").hasStatus(FeedbackStatus.EXPIRED).within(WAIT).description())
                .isNotBlank();
        BlockingQueue<Message> received = receiving(client(dev));
        assertThat(take(received).getMessageId()).isEqualTo("ttl-3");
        assertThat(hub.hub()).c2d("ttl-3").hasOutcome(C2dOutcome.COMPLETED).within(WAIT);
        assertThat(received).isEmpty();
        assertThat(hub.hub()).device("dev-ttl").receivedC2d().extracting(C2dRecord::messageId).containsExactly("ttl-3");
    }

    @Test
    void recordsTelemetryWithItsProperties() throws Exception {
        DeviceIdentity dev = hub.hub().devices().create("dev-d2c");
        DeviceClient client = client(dev);
        client.open(false);
        Message event = new Message("{\"temperature\":21}");
        event.setMessageId("tm-1");
        event.setContentType("application/json");
        event.setContentEncoding("utf-8");
        event.setProperty("alert", "high temp & rising");
        client.sendEvent(event);

        TelemetryMessage got = assertThat(hub.hub()).telemetry("dev-d2c").hasReceived(1).within(WAIT).get(0);
        assertThat(got).hasBody("{\"temperature\":21}").hasMessageId("tm-1").hasContentType("application/json")
                .hasContentEncoding("utf-8").hasSystemProperty("$.cdid", "dev-d2c")
                .hasProperty("alert", "high temp & rising");
    }
}
