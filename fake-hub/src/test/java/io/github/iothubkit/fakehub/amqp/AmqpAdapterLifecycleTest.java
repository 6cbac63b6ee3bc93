package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.FakeIotHubException;
import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.c2d.CloudToDevice;
import io.github.iothubkit.fakehub.c2d.FeedbackJournal;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.telemetry.Telemetry;
import io.github.iothubkit.fakehub.tls.HubCertificates;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/** Starting, stopping and surviving: timings, bind conflicts, thread daemon-ness, hostile input. */
class AmqpAdapterLifecycleTest {

    private static HubContext context(String host, HubClock clock) {
        DeviceRegistry registry = new DeviceRegistry(host);
        FeedbackJournal feedback = new FeedbackJournal(clock);
        return new HubContext(host, registry, new CloudToDevice(registry, clock, CloudToDevice.Limits.IOT_HUB, feedback),
                feedback, new Telemetry(), clock, new HubAuthenticator(host, registry),
                HubCertificates.generate(host), Duration.ofMillis(50), 64);
    }

    @Test
    void startsAndStopsRepeatedlyOnTheSharedVertxAndFreesItsPortEachTime() throws Exception {
        // how fast is the benchmark's business; here: each cycle serves, and each close really unbinds
        HubContext hub = context("127.0.0.35", HubClock.system());
        for (int i = 0; i < 20; i++) {
            AmqpAdapter adapter = new AmqpAdapter();
            int port = adapter.start(hub, 0); // an ephemeral port: other builds on this machine may run these tests too
            try (SSLSocket tls = (SSLSocket) hub.certificates().trust().sslContext().getSocketFactory()
                    .createSocket("127.0.0.35", port)) {
                tls.startHandshake();
            }
            adapter.close();
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.35"), port)); // else BindException
            }
        }
    }

    @Test
    void vertxThreadsAreDaemonsSoTheyCannotKeepTheJvmAlive() throws Exception {
        AmqpAdapter adapter = new AmqpAdapter();
        adapter.start(context("127.0.0.35", HubClock.system()), 0);
        adapter.close();

        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("vert.x-"))
                .isNotEmpty().allMatch(Thread::isDaemon);
    }

    @Test
    void aTakenAddressIsABindException() throws Exception {
        HubContext hub = context("127.0.0.36", HubClock.system());
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.36"), 5671));
            AmqpAdapter adapter = new AmqpAdapter();
            assertThatThrownBy(() -> adapter.start(hub, 5671)).isInstanceOf(BindException.class);
            adapter.close();
            assertThatThrownBy(() -> FakeIotHub.builder().host("127.0.0.36").start())
                    .isInstanceOf(FakeIotHubException.class).hasCauseInstanceOf(BindException.class)
                    .hasMessageContaining("AMQP");
        }
    }

    @Test
    void aSecondAdapterOnTheSameAddressInThisJvmIsABindExceptionNotASharedSocket() throws Exception {
        HubContext hub = context("127.0.0.36", HubClock.system());
        AmqpAdapter first = new AmqpAdapter();
        first.start(hub, 5671);
        try {
            AmqpAdapter second = new AmqpAdapter();
            assertThatThrownBy(() -> second.start(hub, 5671)).isInstanceOf(BindException.class);
            second.close();
        } finally {
            first.close();
        }
        AmqpAdapter again = new AmqpAdapter(); // and the address is free again after close
        assertThat(again.start(hub, 5671)).isEqualTo(5671);
        again.close();
    }

    @Test
    void anAuthorizedConnectionOutlivesItsTokenAndGarbageOnlyClosesItsOwnConnection() throws Exception {
        try (FakeIotHub hub = FakeIotHub.builder().host("127.0.0.37").clock(HubClock.manual()).start();
                AmqpWire client = AmqpWire.connect(hub)) {
            hub.devices().create("dev-long");
            Message reply = client.putToken(UUID.randomUUID(), AmqpWire.serviceToken(hub));
            assertThat(reply.getApplicationProperties().getValue()).containsEntry("status-code", 200);
            ProtonSender sender = client.sender("/messages/devicebound", ProtonQoS.AT_LEAST_ONCE);

            hub.clock().advance(Duration.ofDays(2)); // far past the token's se

            assertThat(client.send(sender, AmqpWireTest.c2d("/devices/dev-long/messages/devicebound")))
                    .isInstanceOf(Accepted.class);

            assertClosedAfterGarbage(new Socket(hub.host(), hub.amqpsPort())); // garbage instead of TLS
            SSLSocket tls = (SSLSocket) hub.trust().sslContext().getSocketFactory().createSocket(hub.host(),
                    hub.amqpsPort());
            tls.setEnabledProtocols(new String[] {"TLSv1.2"}); // all the SDKs' default contexts offer
            tls.startHandshake();
            assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertClosedAfterGarbage(tls); // garbage instead of the AMQP/SASL header

            assertThat(client.isDisconnected()).isFalse();
            assertThat(client.send(sender, AmqpWireTest.c2d("/devices/dev-long/messages/devicebound")))
                    .isInstanceOf(Accepted.class);
        }
    }

    private static void assertClosedAfterGarbage(Socket socket) throws Exception {
        try (socket) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\n\r\nnot amqp at all\u0000\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    return in.read(new byte[256]) < 0; // drain whatever the hub answers until it closes
                } catch (java.io.IOException closed) {
                    return true;
                }
            });
        }
    }
}
