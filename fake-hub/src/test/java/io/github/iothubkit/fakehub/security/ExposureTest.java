package io.github.iothubkit.fakehub.security;

import io.github.iothubkit.fakehub.amqp.AmqpWire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.FakeIotHubException;
import io.github.iothubkit.fakehub.auth.Keys;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the hub exposes: loopback-only listeners, no key on disk, no credential in its logs. */
class ExposureTest {

    private static final String[] HUB_LOGGERS = {"io.github.iothubkit.fakehub.FakeIotHub",
        "io.github.iothubkit.fakehub.mqtt.DeviceChannel", "io.github.iothubkit.fakehub.mqtt.MqttAdapter",
        "io.github.iothubkit.fakehub.amqp.AmqpAdapter", "io.github.iothubkit.fakehub.amqp.AmqpConnection",
        "io.github.iothubkit.fakehub.amqp.FeedbackDispatcher", "io.github.iothubkit.fakehub.http.RegistryHandler",
        "io.github.iothubkit.fakehub.http.RegistryHttpAdapter"};

    @Test
    void everyListenerBindsOnlyTheHubsLoopbackAddress() throws Exception {
        try (FakeIotHub hub = FakeIotHub.builder().host("127.0.0.109").httpsPort(0).start()) {
            int[] ports = {hub.mqttsPort(), hub.amqpsPort(), hub.httpsPort()};
            List<String> listeners = listeningSockets();
            for (int port : ports) {
                List<String> onPort = listeners.stream().filter(l -> l.endsWith(":" + port)).toList();
                assertThat(onPort).as("listeners on port %d", port).contains("127.0.0.109:" + port)
                        .allSatisfy(l -> assertThat(l).as("no wildcard listener").doesNotStartWith("0.0.0.0:")
                                .doesNotStartWith("::"));
                assertThat(refused("127.0.0.1", port) || port != hub.httpsPort()).as("127.0.0.1:%d", port).isTrue();
                Optional<InetAddress> external = nonLoopbackAddress();
                if (external.isPresent()) {
                    assertThat(refused(external.get().getHostAddress(), port))
                            .as("%s:%d from the network", external.get(), port).isTrue();
                }
            }
        }
        for (String host : new String[] {"0.0.0.0", "192.0.2.2", "8.8.8.8"}) {
            assertThatThrownBy(() -> FakeIotHub.builder().host(host).mqttPort(0).amqpPort(0).start())
                    .isInstanceOf(FakeIotHubException.class).hasMessageContaining("allowNonLoopback");
        }
    }

    @Test
    void noKeyIsWrittenToTheWorkingDirectoryOrTempAndNoCredentialIsLogged() throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        List<String> secrets = new ArrayList<>();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        List<Object[]> levels = raiseHubLoggersToTrace();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (FakeIotHub hub = FakeIotHub.builder().host("127.0.0.110").httpsPort(0).start()) {
            for (String policy : new String[] {"iothubowner", "service", "device", "registryRead", "registryReadWrite"}) {
                secrets.add(MqttHostileInputTest.key(hub.serviceConnectionString(policy)));
            }
            DeviceIdentity dev = hub.devices().create("exposed");
            secrets.add(dev.primaryKey());
            secrets.add(dev.secondaryKey());
            scenario(hub, dev, secrets);
        } finally {
            System.setErr(originalErr);
            restore(levels);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the scenario's hub log was captured").contains("Refused MQTT CONNECT")
                .contains("CBS put-token");
        for (String secret : secrets) {
            assertThat(log).as("log holds no credential").doesNotContain(secret);
        }
        assertThat(log).doesNotContain("sig=").doesNotContain("SharedAccessSignature sr");
        filesWrittenSince(start, Paths.get("").toAbsolutePath(), Paths.get(System.getProperty("java.io.tmpdir")))
                .forEach((file, text) -> {
                    for (String secret : secrets) {
                        assertThat(text).as("%s holds no key", file).doesNotContain(secret);
                    }
                });
    }

    /** Bad and good MQTT tokens, the device SDK, CBS put-token (good and bad) and REST calls. */
    private static void scenario(FakeIotHub hub, DeviceIdentity dev, List<String> secrets) throws Exception {
        Instant hour = Instant.now().plusSeconds(3600);
        String good = SasToken.create(hub.host() + "/devices/exposed", null, dev.primaryKey(), hour);
        String bad = SasToken.create(hub.host() + "/devices/exposed", null, Keys.generate(), hour);
        secrets.add(good);
        secrets.add(bad);
        for (String token : new String[] {good, bad}) {
            String sig = token.replaceFirst(".*sig=([^&]+).*", "$1");
            secrets.add(sig);
            secrets.add(URLDecoder.decode(sig, StandardCharsets.UTF_8));
        }
        try (MqttWire wire = MqttWire.open(hub)) {
            assertThat(wire.connect("exposed", bad, 60)).isEqualTo(4);
        }
        try (MqttWire wire = MqttWire.open(hub)) {
            assertThat(wire.connect("exposed", good, 60)).isZero();
        }
        DeviceClient device = new DeviceClient(dev.connectionString(), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub.trust().sslContext()).build());
        device.open(false);
        device.close();
        MessagingClient service = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(hub.trust().sslContext()).build());
        service.open();
        service.send("exposed", new Message("m"));
        service.close();
        String serviceToken = AmqpWire.serviceToken(hub);
        secrets.add(serviceToken);
        try (AmqpWire raw = AmqpWire.connect(hub)) {
            raw.putToken(UUID.randomUUID(), serviceToken.replaceFirst("sig=[^&]+", "sig=Zm9yZ2Vk"));
            raw.putToken(UUID.randomUUID(), serviceToken);
        }
        HttpClient http = HttpClient.newBuilder().sslContext(hub.trust().sslContext()).build();
        for (String auth : new String[] {serviceToken, serviceToken.replaceFirst("sig=[^&]+", "sig=Zm9yZ2Vk")}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://" + hub.host() + ":"
                    + hub.httpsPort() + "/devices/exposed?api-version=2021-04-12")).header("Authorization", auth).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isIn(200, 401);
        }
    }

    /** slf4j-simple reads levels once: lift the hub's loggers to TRACE for the scenario, then put them back. */
    private static List<Object[]> raiseHubLoggersToTrace() throws ReflectiveOperationException {
        List<Object[]> previous = new ArrayList<>();
        for (String name : HUB_LOGGERS) {
            Object logger = LoggerFactory.getLogger(name);
            Field level = logger.getClass().getDeclaredField("currentLogLevel");
            level.setAccessible(true);
            previous.add(new Object[] {logger, level, level.get(logger)});
            level.set(logger, 0); // TRACE
        }
        return previous;
    }

    private static void restore(List<Object[]> previous) throws ReflectiveOperationException {
        for (Object[] p : previous) {
            ((Field) p[1]).set(p[0], p[2]);
        }
    }

    /** The text of each file written since {@code since}; files other processes delete meanwhile drop out. */
    private static Map<Path, String> filesWrittenSince(Instant since, Path... roots) throws IOException {
        Map<Path, String> files = new LinkedHashMap<>();
        for (Path root : roots) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.forEach(p -> {
                    try {
                        if (Files.isRegularFile(p) && Files.isReadable(p) && Files.size(p) < 4_000_000
                                && Files.getLastModifiedTime(p).toInstant().isAfter(since)) {
                            files.put(p, Files.readString(p, StandardCharsets.ISO_8859_1));
                        }
                    } catch (IOException | SecurityException gone) {
                        // removed (surefire's own temp files come and go) or not ours to read
                    }
                });
            } catch (java.io.UncheckedIOException unreadable) {
                // another process removed a directory while we walked: skip what is left of that root
            }
        }
        return files;
    }

    /** "address:port" of every listening TCP socket (IPv4 and IPv4-mapped IPv6) from /proc/net. */
    private static List<String> listeningSockets() throws IOException {
        List<String> out = new ArrayList<>();
        for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            // One read per file: the table changes between reads when sockets open or close meanwhile.
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String line : lines.subList(1, lines.size())) { // line 0 is the column header
                String[] f = line.trim().split("\\s+");
                if (!f[3].equals("0A")) {
                    continue;
                }
                String[] local = f[1].split(":");
                int port = Integer.parseInt(local[1], 16);
                String hex = local[0];
                String v4 = hex.length() == 8 ? hex : hex.startsWith("0000000000000000FFFF0000") ? hex.substring(24) : null;
                if (v4 == null) {
                    out.add((hex.matches("0+") ? "::" : "v6:" + hex) + ":" + port);
                    continue;
                }
                long a = Long.parseLong(v4, 16);
                out.add((a & 0xff) + "." + (a >> 8 & 0xff) + "." + (a >> 16 & 0xff) + "." + (a >> 24 & 0xff) + ":" + port);
            }
        }
        return out;
    }

    private static boolean refused(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 3000);
            return false;
        } catch (ConnectException refusedOrUnreachable) {
            return true;
        } catch (IOException other) {
            return true; // timed out or unreachable: not served either
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        return NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (IOException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst();
    }
}
