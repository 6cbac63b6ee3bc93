package io.github.iothubkit.fakehub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A message delivered but not acknowledged is delivered again after the device reconnects: never lost, never replaced. */
class RedeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private FakeIotHub hub;

    @BeforeEach
    void start() {
        hub = FakeIotHub.builder().host("127.0.0.23").start();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    /** Paho shows the DUP flag, which HiveMQ hides. */
    private record Received(String topic, boolean duplicate, int id) {
    }

    private MqttAsyncClient paho(DeviceIdentity device, BlockingQueue<Received> received) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient("ssl://" + hub.host() + ":" + hub.mqttsPort(), device.deviceId(),
                new MemoryPersistence());
        client.setManualAcks(true);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setUserName(hub.host() + "/" + device.deviceId() + "/?api-version=2021-04-12");
        options.setPassword(RawDevice.password(hub.host(), device.deviceId(), device.primaryKey()).toCharArray());
        options.setSocketFactory(hub.trust().sslContext().getSocketFactory());
        // A persistent session's messages can arrive right after CONNACK, before SUBSCRIBE returns: catch
        // them with a client-wide callback registered before connecting.
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, message.isDuplicate(), message.getId()));
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options).waitForCompletion(WAIT.toMillis());
        client.subscribe("devices/" + device.deviceId() + "/messages/devicebound/#", 1).waitForCompletion(WAIT.toMillis());
        return client;
    }

    private static Received take(BlockingQueue<Received> queue) throws InterruptedException {
        Received r = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(r).as("a message within %s", WAIT).isNotNull();
        return r;
    }

    @Test
    void redeliversAnUnacknowledgedMessageWithDupAfterReconnectAndDoesNotLetANewMessageReplaceIt() throws Exception {
        DeviceIdentity dev = hub.devices().create("redeliver");
        BlockingQueue<Received> first = new LinkedBlockingQueue<>();
        MqttAsyncClient client = paho(dev, first);
        hub.cloudToDevice().send("redeliver", C2dMessage.of("A").messageId("A"));
        Received a = take(first);
        assertThat(a.duplicate()).isFalse();

        hub.disconnect("redeliver"); // the device never acknowledged A
        await().atMost(WAIT).until(() -> !client.isConnected());
        client.close(true);
        hub.cloudToDevice().send("redeliver", C2dMessage.of("B").messageId("B")); // sent while it is offline

        BlockingQueue<Received> second = new LinkedBlockingQueue<>();
        MqttAsyncClient again = paho(dev, second);
        Received a2 = take(second);
        Received b = take(second);
        assertThat(a2.topic()).contains("%24.mid=A");
        assertThat(a2.duplicate()).isTrue();
        assertThat(b.topic()).contains("%24.mid=B");
        assertThat(b.duplicate()).isFalse();
        assertThat(b.id()).isNotEqualTo(a2.id());
        again.messageArrivedComplete(a2.id(), 1);
        again.messageArrivedComplete(b.id(), 1);

        C2dRecord recordA = hub.cloudToDevice().awaitOutcome("A", C2dOutcome.COMPLETED, WAIT);
        hub.cloudToDevice().awaitOutcome("B", C2dOutcome.COMPLETED, WAIT);
        assertThat(recordA.deliveryCount()).isEqualTo(2);
        assertThat(recordA.outcomes()).containsExactly(C2dOutcome.ENQUEUED, C2dOutcome.DELIVERED, C2dOutcome.ENQUEUED,
                C2dOutcome.DELIVERED, C2dOutcome.COMPLETED);
        again.disconnectForcibly(1000);
        again.close(true);
    }

    @Test
    void theDeviceSdkGetsAMessageAgainWhenItsCallbackFailedAndTheConnectionDropped() throws Exception {
        DeviceIdentity dev = hub.devices().create("sdk-redeliver");
        DeviceClient client = new DeviceClient(dev.connectionString(), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub.trust().sslContext()).build());
        AtomicInteger attempts = new AtomicInteger();
        java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
        BlockingQueue<String> completed = new LinkedBlockingQueue<>();
        client.setMessageCallback((message, context) -> {
            if (attempts.incrementAndGet() == 1) {
                failed.countDown();
                throw new IllegalStateException("app crashed while handling the message: no PUBACK is sent");
            }
            completed.add(new String(message.getBytes(), StandardCharsets.UTF_8));
            return IotHubMessageResult.COMPLETE;
        }, null);
        try {
            client.open(false);
            hub.cloudToDevice().send("sdk-redeliver", C2dMessage.of("important").messageId("imp"));
            hub.cloudToDevice().awaitOutcome("imp", C2dOutcome.DELIVERED, WAIT);
            // Drop the connection only once the app's callback has failed, as the test's name says: a drop
            // that overtakes the SDK's hand-off to the callback is a different story, decided inside the SDK.
            assertThat(failed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the callback ran").isTrue();

            hub.disconnect("sdk-redeliver"); // the SDK reconnects by itself

            assertThat(completed.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("important");
            assertThat(hub.cloudToDevice().awaitOutcome("imp", C2dOutcome.COMPLETED, WAIT).deliveryCount()).isEqualTo(2);
            assertThat(attempts.get()).isEqualTo(2);
        } finally {
            client.close();
        }
    }

    @Test
    void loosesNothingAndKeepsOrderWhenManyDevicesReceiveBurstsAtOnce() throws Exception {
        int devices = 20;
        int perDevice = 50;
        List<RawDevice> clients = new java.util.ArrayList<>();
        try {
            for (int d = 0; d < devices; d++) {
                RawDevice raw = RawDevice.connected(hub, hub.devices().create("burst" + d), false);
                raw.subscribeC2d("burst" + d);
                clients.add(raw);
            }
            for (int i = 0; i < perDevice; i++) {
                for (int d = 0; d < devices; d++) {
                    hub.cloudToDevice().send("burst" + d, C2dMessage.of(new byte[1024]).messageId("b" + d + "-" + i));
                }
            }
            for (int d = 0; d < devices; d++) {
                for (int i = 0; i < perDevice; i++) {
                    assertThat(clients.get(d).take().getTopic().toString())
                            .startsWith("devices/burst" + d + "/messages/devicebound/%24.mid=b" + d + "-" + i + "&");
                }
            }
            for (int d = 0; d < devices; d++) {
                hub.cloudToDevice().awaitOutcome("b" + d + "-" + (perDevice - 1), C2dOutcome.COMPLETED, WAIT);
            }
            assertThat(hub.cloudToDevice().records()).hasSize(devices * perDevice)
                    .allSatisfy(r -> {
                        assertThat(r.outcome()).isEqualTo(C2dOutcome.COMPLETED);
                        assertThat(r.deliveryCount()).isEqualTo(1);
                    });
            assertThat(clients).allSatisfy(c -> assertThat(c.received).isEmpty());
        } finally {
            clients.forEach(RawDevice::close);
        }
    }

    @Test
    void acknowledgesEveryTelemetryMessageOfAPipelinedBurst() throws Exception {
        DeviceIdentity dev = hub.devices().create("d2c-burst");
        int count = 5000;
        try (RawDevice device = RawDevice.connected(hub, dev, false)) {
            List<java.util.concurrent.CompletableFuture<?>> acks = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                acks.add(device.client.toAsync().publishWith().topic("devices/d2c-burst/messages/events/$.mid=" + i)
                        .qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE).payload(new byte[256]).send());
            }
            java.util.concurrent.CompletableFuture.allOf(acks.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
            assertThat(hub.telemetry().messages("d2c-burst")).hasSize(count);
        }
    }
}
