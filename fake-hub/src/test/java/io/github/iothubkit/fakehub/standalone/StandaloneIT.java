package io.github.iothubkit.fakehub.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shaded standalone jar as a process, driven by the real Azure SDKs. Hosts 127.0.0.51-55 only. */
class StandaloneIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Nested
    class Running {

        @Test
        void printsConnectionStringsAndServesTheRealSdks() throws Exception {
            String host = "127.0.0.51";
            try (StandaloneProcess hub = StandaloneProcess.start("--host", host, "--device", "d1",
                    "--ca-out", dir.resolve("ca.pem").toString())) {
                Map<String, String> out = keyValues(hub.awaitReady(START));

                assertThat(out).containsOnlyKeys("IOTHUB_CONNECTION_STRING", "DEVICE_CONNECTION_STRING_d1", "CA_PEM",
                        "EVENTHUB_CONNECTION_STRING");
                assertThat(List.copyOf(out.keySet())).endsWith("EVENTHUB_CONNECTION_STRING"); // after the others
                assertThat(out.get("EVENTHUB_CONNECTION_STRING")).matches("Endpoint=sb://127\\.0\\.0\\.51/;"
                        + "SharedAccessKeyName=iothubowner;SharedAccessKey=[A-Za-z0-9+/=]+;EntityPath=fakehub");
                assertThat(out.get("IOTHUB_CONNECTION_STRING"))
                        .matches("HostName=127\\.0\\.0\\.51;SharedAccessKeyName=iothubowner;SharedAccessKey=[A-Za-z0-9+/=]+");
                assertThat(out.get("DEVICE_CONNECTION_STRING_d1"))
                        .matches("HostName=127\\.0\\.0\\.51;DeviceId=d1;SharedAccessKey=[A-Za-z0-9+/=]+");
                assertThat(Path.of(out.get("CA_PEM"))).isAbsolute().isEqualTo(dir.resolve("ca.pem").toAbsolutePath());
                assertThat(Files.readString(Path.of(out.get("CA_PEM")))).startsWith("-----BEGIN CERTIFICATE-----");

                driveWithTheSdks(out.get("IOTHUB_CONNECTION_STRING"), host, trust(Path.of(out.get("CA_PEM"))));
            }
        }

        /** Registry (HTTPS 443) creates a device, MQTT 8883 receives a message sent over AMQPS 5671, feedback follows. */
        private void driveWithTheSdks(String serviceConnectionString, String host, SSLContext trust) throws Exception {
            HttpsURLConnection.setDefaultSSLSocketFactory(trust.getSocketFactory()); // RegistryClient has no TLS option
            RegistryClient registry = new RegistryClient(serviceConnectionString);
            Device created = registry.addDevice(new Device("it-device"));
            String deviceConnectionString = "HostName=" + host + ";DeviceId=it-device;SharedAccessKey="
                    + created.getPrimaryKey();

            List<String> received = new CopyOnWriteArrayList<>();
            List<FeedbackRecord> feedback = new CopyOnWriteArrayList<>();
            DeviceClient device = new DeviceClient(deviceConnectionString, IotHubClientProtocol.MQTT,
                    ClientOptions.builder().sslContext(trust).build());
            MessageFeedbackProcessorClient feedbackProcessor = new MessageFeedbackProcessorClient(
                    serviceConnectionString, IotHubServiceClientProtocol.AMQPS, batch -> {
                        feedback.addAll(batch.getRecords());
                        return AcknowledgementType.COMPLETE;
                    }, MessageFeedbackProcessorClientOptions.builder().sslContext(trust).build());
            MessagingClient messaging = new MessagingClient(serviceConnectionString, IotHubServiceClientProtocol.AMQPS,
                    MessagingClientOptions.builder().sslContext(trust).build());
            try {
                device.setMessageCallback((message, context) -> {
                    received.add(new String(message.getBytes(), StandardCharsets.UTF_8));
                    return IotHubMessageResult.COMPLETE;
                }, null);
                device.open(false);
                await().atMost(WAIT).untilAsserted(() -> assertThat(registry.getDevice("it-device").getConnectionState())
                        .isEqualTo(DeviceConnectionState.Connected));
                feedbackProcessor.start();
                messaging.open();

                Message message = new Message("hello from the IT");
                message.setMessageId("it-1");
                message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
                messaging.send("it-device", message);

                await().atMost(WAIT).untilAsserted(() -> assertThat(received).containsExactly("hello from the IT"));
                await().atMost(WAIT).untilAsserted(() -> assertThat(feedback)
                        .anySatisfy(r -> {
                            assertThat(r.getOriginalMessageId()).isEqualTo("it-1");
                            assertThat(r.getStatusCode()).isEqualTo(FeedbackStatusCode.success);
                        }));
            } finally {
                messaging.close();
                feedbackProcessor.stop();
                device.close();
            }
        }

        @Test
        void sigtermStopsWithinASecondAndFreesThePorts() throws Exception {
            String host = "127.0.0.52";
            try (StandaloneProcess hub = StandaloneProcess.start("--host", host, "--registry-port", "443")) {
                hub.awaitReady(START);

                long started = System.nanoTime();
                hub.terminate();
                int exit = hub.awaitExit(Duration.ofSeconds(5));

                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
                assertThat(exit).isIn(0, 143);
            }
            for (int port : new int[] {8883, 5671, 443}) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
                }
            }
        }

        @Test
        void aTakenDefaultRegistryPortIsReportedOnceAndSkipped() throws Exception {
            String host = "127.0.0.53";
            try (ServerSocket taken = new ServerSocket();
                    StandaloneProcess hub = StandaloneProcess.start("--host", host)) {
                taken.bind(new InetSocketAddress(InetAddress.getByName(host), 443));
                List<String> out = hub.awaitReady(START);

                assertThat(out).last().isEqualTo("READY");
                // stderr has its own reader, which may lag behind READY on stdout: wait for the line, then end the
                // hub and let both readers drain, so a second report (at start or later) cannot go unseen.
                await().atMost(WAIT)
                        .until(() -> hub.stderr().stream().anyMatch(line -> line.contains("Registry REST is off")));
                hub.terminate();
                hub.awaitExit(WAIT);
                assertThat(hub.stderr()).filteredOn(line -> line.contains("443")).singleElement()
                        .asString().contains("Registry REST is off");
            }
        }

        @Test
        void aTakenExplicitRegistryPortFailsTheStart() throws Exception {
            String host = "127.0.0.54";
            try (ServerSocket taken = new ServerSocket()) {
                taken.bind(new InetSocketAddress(InetAddress.getByName(host), 443));
                try (StandaloneProcess hub = StandaloneProcess.start("--host", host, "--registry-port", "443")) {
                    assertThat(hub.awaitExit(START)).isEqualTo(1);
                    assertThat(hub.stdout()).doesNotContain("READY");
                    assertThat(String.join("\n", hub.stderr())).contains("port 443 is in use on " + host);
                }
            }
        }
    }

    @Nested
    class CommandLine {

        @ParameterizedTest
        @ValueSource(strings = {"--bogus", "--device", "--device bad/id", "--device d1:not-base64!",
                "--registry-port x", "--host 10.1.2.3"})
        void badInputPrintsTheUsageAndExitsWith2(String args) throws Exception {
            try (StandaloneProcess hub = StandaloneProcess.start(args.split(" "))) {
                assertThat(hub.awaitExit(WAIT)).isEqualTo(2);
                assertThat(hub.stderr()).first().asString().startsWith("fake-hub: ");
                assertThat(hub.stderr()).anySatisfy(line -> assertThat(line).startsWith("Usage: "));
                assertThat(hub.stdout()).isEmpty();
            }
        }

        @Test
        void helpDocumentsEveryOptionAndExitsWith0() throws Exception {
            try (StandaloneProcess hub = StandaloneProcess.start("--help")) {
                assertThat(hub.awaitExit(WAIT)).isZero();
                assertThat(String.join("\n", hub.stdout())).contains("--host", "--allow-non-loopback", "--device",
                        "--ca-out", "--registry-port", "--help", "Examples:");
            }
        }
    }

    private static Map<String, String> keyValues(List<String> lines) {
        assertThat(lines).last().isEqualTo("READY");
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : lines.subList(0, lines.size() - 1)) {
            int eq = line.indexOf('=');
            assertThat(eq).as("line '%s' is KEY=VALUE", line.replaceAll("SharedAccessKey=[^;]+", "SharedAccessKey=…"))
                    .isPositive();
            map.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return map;
    }

    private static SSLContext trust(Path caPem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            store.setCertificateEntry("fake-hub-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
