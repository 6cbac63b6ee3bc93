package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubMessageTooLargeException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.Keys;
import io.github.iothubkit.fakehub.c2d.AckMode;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real service SDK's MessagingClient against the AMQPS endpoint. */
class ServiceSdkC2dTest {

    private static FakeIotHub hub;
    private static MessagingClient client;

    @BeforeAll
    static void start() throws Exception {
        hub = FakeIotHub.builder().host("127.0.0.30").start();
        client = messagingClient(hub.serviceConnectionString());
        client.open();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @BeforeEach
    void clean() {
        hub.devices().clear();
        hub.cloudToDevice().reset();
    }

    static MessagingClient messagingClient(String connectionString) {
        return new MessagingClient(connectionString, IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(hub.trust().sslContext()).build());
    }

    @Test
    void everyPropertySurvivesIntoTheDeviceQueue() throws Exception {
        hub.devices().create("dev-props");
        Instant expiry = Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Message message = new Message("hello \u00e9".getBytes(StandardCharsets.UTF_8));
        message.setMessageId("m-props");
        message.setCorrelationId("corr-1");
        message.setUserId("user-1");
        message.setExpiryTimeUtc(Date.from(expiry));
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.PositiveOnly);
        message.setProperties(Map.of("color", "blue", "k 2", "v/2"));

        client.send("dev-props", message);

        C2dRecord record = hub.cloudToDevice().find("m-props").orElseThrow();
        assertThat(record.deviceId()).isEqualTo("dev-props");
        C2dMessage queued = record.message();
        assertThat(queued.bodyAsString()).isEqualTo("hello \u00e9");
        assertThat(queued.correlationId()).isEqualTo("corr-1");
        assertThat(queued.userId()).isEqualTo("user-1");
        assertThat(queued.expiryTime()).isEqualTo(expiry);
        assertThat(record.expiryTime()).isEqualTo(expiry);
        assertThat(queued.ack()).isEqualTo(AckMode.POSITIVE);
        assertThat(queued.properties()).containsExactlyInAnyOrderEntriesOf(Map.of("color", "blue", "k 2", "v/2"));
        assertThat(hub.cloudToDevice().queued("dev-props")).extracting(C2dRecord::messageId).containsExactly("m-props");
    }

    @Test
    void aMessageWithoutIdGetsOneFromTheHubAndTheSdkDefaultAckIsFull() throws Exception {
        hub.devices().create("dev-noid");

        client.send("dev-noid", new Message("x"));

        C2dRecord record = hub.cloudToDevice().queued("dev-noid").get(0);
        assertThat(record.messageId()).isNotBlank();
        assertThat(record.message().ack()).isEqualTo(AckMode.FULL);
    }

    @Test
    void unknownDeviceIsNotFoundAndTheLinkSurvives() throws Exception {
        assertThatThrownBy(() -> client.send("nobody", new Message("x")))
                .isInstanceOf(IotHubNotFoundException.class).hasMessageContaining("nobody");

        hub.devices().create("dev-after-404");
        client.send("dev-after-404", new Message("after"));
        assertThat(hub.cloudToDevice().queued("dev-after-404")).hasSize(1);
    }

    @Test
    void disabledDeviceIsNotFound() throws Exception {
        hub.devices().create("dev-disabled");
        hub.devices().disable("dev-disabled");

        assertThatThrownBy(() -> client.send("dev-disabled", new Message("x")))
                .isInstanceOf(IotHubNotFoundException.class);
        assertThat(hub.cloudToDevice().queued("dev-disabled")).isEmpty();
    }

    @Test
    void theFiftyFirstMessageExceedsTheQueueDepthAndTheLinkSurvives() throws Exception {
        hub.devices().create("dev-full");
        for (int i = 0; i < 50; i++) {
            client.send("dev-full", new Message("m" + i));
        }

        assertThatThrownBy(() -> client.send("dev-full", new Message("m50")))
                .isInstanceOf(IotHubDeviceMaximumQueueDepthExceededException.class);

        hub.devices().create("dev-other");
        client.send("dev-other", new Message("fine"));
        assertThat(hub.cloudToDevice().queued("dev-full")).hasSize(50);
        assertThat(hub.cloudToDevice().queued("dev-other")).hasSize(1);
    }

    @Test
    void aMessageOver64KbIsTooLargeAndTheLinkSurvives() throws Exception {
        hub.devices().create("dev-big");

        assertThatThrownBy(() -> client.send("dev-big", new Message(new byte[64 * 1024 + 1])))
                .isInstanceOf(IotHubMessageTooLargeException.class);

        client.send("dev-big", new Message(new byte[65000]));
        assertThat(hub.cloudToDevice().queued("dev-big")).singleElement()
                .satisfies(r -> assertThat(r.message().body()).hasSize(65000));
    }

    @Test
    void aWrongKeyIsUnauthorizedAtOpen() {
        String good = hub.serviceConnectionString();
        String bad = good.substring(0, good.indexOf("SharedAccessKey=")) + "SharedAccessKey=" + Keys.generate();
        MessagingClient wrong = messagingClient(bad);

        assertThatThrownBy(wrong::open).isInstanceOf(IotHubUnauthorizedException.class);
    }
}
