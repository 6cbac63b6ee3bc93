package io.github.iothubkit.fakehub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * A hub stopped and started again on the same address in one JVM: the old SDK device clients reconnect
 * to the new instance by themselves, and it serves them and newcomers. Hub state is in memory only, so
 * devices are registered again with the same keys.
 */
class HubRestartTest {

    private static final String HOST = "127.0.0.103";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void everyPortCanBeBoundAgainTheMomentCloseReturns() throws Exception {
        for (int round = 0; round < 10; round++) {
            int[] ports;
            try (FakeIotHub hub = FakeIotHub.builder().host(HOST).httpsPort(0).start()) {
                ports = new int[] {hub.mqttsPort(), hub.amqpsPort(), hub.httpsPort()};
                for (int port : ports) { // a served connection must not hold the port either
                    try (SSLSocket tls = (SSLSocket) hub.trust().sslContext().getSocketFactory()
                            .createSocket(HOST, port)) {
                        tls.startHandshake();
                    }
                }
            }
            for (int port : ports) {
                try (ServerSocket again = new ServerSocket()) {
                    again.bind(new InetSocketAddress(InetAddress.getByName(HOST), port)); // else BindException
                }
            }
        }
    }

    @Test
    void oldClientsReconnectToTheRestartedHubAndNothingAcceptedIsLostOrCompletedTwice() throws Exception {
        List<DeviceClient> clients = new ArrayList<>();
        List<Queue<String>> received = new ArrayList<>();
        List<DeviceIdentity> identities = new ArrayList<>();
        FakeIotHub first = FakeIotHub.builder().host(HOST).start();
        FakeIotHub second = null;
        try {
            for (int d = 0; d < 2; d++) {
                DeviceIdentity dev = first.devices().create("restart" + d);
                identities.add(dev);
                DeviceClient client = new DeviceClient(dev.connectionString(), IotHubClientProtocol.MQTT,
                        ClientOptions.builder().sslContext(first.trust().sslContext()).build());
                Queue<String> mine = new ConcurrentLinkedQueue<>();
                client.setMessageCallback((m, ctx) -> {
                    mine.add(m.getMessageId());
                    return IotHubMessageResult.COMPLETE;
                }, null);
                client.open(true);
                clients.add(client);
                received.add(mine);
            }
            sendAll(first, "before");
            await().atMost(WAIT).until(() -> first.cloudToDevice().records().stream()
                    .allMatch(r -> r.outcome() == C2dOutcome.COMPLETED));
            assertThat(first.cloudToDevice().records()).hasSize(10).allSatisfy(MqttFaultsTest::assertCompletedOnce);

            first.close();
            second = FakeIotHub.builder().host(HOST).start(); // same address and ports, new certificate, same test CA
            FakeIotHub hub = second;
            for (DeviceIdentity dev : identities) {
                hub.devices().create(dev.deviceId(), dev.primaryKey(), dev.secondaryKey());
            }
            DeviceIdentity newcomer = hub.devices().create("restart-new");
            await().atMost(WAIT).until(() -> hub.isConnected("restart0") && hub.isConnected("restart1"));

            sendAll(hub, "after");
            await().atMost(WAIT).untilAsserted(() -> assertThat(hub.cloudToDevice().records())
                    .filteredOn(r -> r.outcome() != C2dOutcome.COMPLETED).isEmpty());
            assertThat(hub.cloudToDevice().records()).hasSize(10).allSatisfy(MqttFaultsTest::assertCompletedOnce)
                    .allSatisfy(r -> assertThat(r.deliveryCount()).isEqualTo(1));
            for (int d = 0; d < 2; d++) {
                List<String> expected = new ArrayList<>();
                for (String phase : List.of("before", "after")) {
                    for (int i = 0; i < 5; i++) {
                        expected.add(phase + "-restart" + d + "-" + i);
                    }
                }
                assertThat(received.get(d)).containsExactlyElementsOf(expected);
            }
            DeviceClient late = new DeviceClient(newcomer.connectionString(), IotHubClientProtocol.MQTT,
                    ClientOptions.builder().sslContext(hub.trust().sslContext()).build());
            late.open(false);
            clients.add(late);
            assertThat(hub.isConnected("restart-new")).isTrue();
        } finally {
            clients.forEach(DeviceClient::close);
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    /** Five messages to each restart device through a fresh MessagingClient (the SDK's never reconnects). */
    private static void sendAll(FakeIotHub hub, String phase) throws Exception {
        MessagingClient service = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(hub.trust().sslContext()).build());
        service.open();
        try {
            for (int i = 0; i < 5; i++) {
                for (int d = 0; d < 2; d++) {
                    Message m = new Message(phase);
                    m.setMessageId(phase + "-restart" + d + "-" + i);
                    service.send("restart" + d, m);
                }
            }
        } finally {
            service.close();
        }
        assertThat(hub.cloudToDevice().records()).extracting(C2dRecord::messageId).hasSize(10);
    }
}
