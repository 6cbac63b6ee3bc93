package io.github.iothubkit.benchmark;

import io.github.iothubkit.fakehub.tls.HubCertificates;
import io.github.iothubkit.fakehub.tls.HubTrust;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A bare embedded Moquette 0.17 broker set up like the hub's (TLS only, in memory, no telemetry, same
 * certificates and message size limit) but with nothing of the hub in front: anyone may connect.
 */
final class RawMoquette implements AutoCloseable {

    final String host;
    final HubTrust trust;
    private final Server server = new Server();
    private int port;

    private RawMoquette(String host, HubCertificates certificates) {
        this.host = host;
        this.trust = certificates.trust();
    }

    /** Starts a broker on {@code host}, an ephemeral TLS port. */
    static RawMoquette start(String host) throws Exception {
        HubCertificates certificates = HubCertificates.generate(host);
        RawMoquette broker = new RawMoquette(host, certificates);
        Properties config = new Properties();
        config.setProperty("host", host);
        config.setProperty("port", "disabled");
        config.setProperty("ssl_port", "0");
        config.setProperty("persistence_enabled", "false");
        config.setProperty("telemetry_enabled", "false");
        config.setProperty("allow_anonymous", "true");
        config.setProperty("netty.mqtt.message_size", Integer.toString(320 * 1024));
        X509Certificate[] chain = {certificates.serverCertificate(), certificates.caCertificate()};
        try {
            broker.server.startServer(new MemoryConfig(config), List.of(),
                    () -> sslContext(certificates, chain), null, null);
        } catch (RuntimeException e) {
            broker.server.stopServer(); // its threads exist even after a failed start
            throw e;
        }
        broker.port = broker.awaitPort();
        return broker;
    }

    private static io.netty.handler.ssl.SslContext sslContext(HubCertificates certificates, X509Certificate[] chain) {
        try {
            return SslContextBuilder.forServer(certificates.serverKey(), chain).sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2").build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moquette records an ephemeral port after startServer returns: poll for it. */
    private int awaitPort() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.getSslPort() == 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000);
        }
        if (server.getSslPort() == 0) {
            throw new IllegalStateException("Moquette did not report its TLS port within 5 s");
        }
        return server.getSslPort();
    }

    int port() {
        return port;
    }

    /** A QoS 1 PUBLISH on the device's C2D topic, shaped like the hub's, pushed from inside the broker. */
    void publish(String deviceId, int index, byte[] payload) {
        String topic = "devices/" + deviceId + "/messages/devicebound/%24.mid=raw-" + index
                + "&%24.to=%2Fdevices%2F" + deviceId + "%2Fmessages%2FdeviceBound&iothub-ack=none";
        MqttPublishMessage message = MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE)
                .retained(false).messageId(1).payload(Unpooled.wrappedBuffer(payload)).build();
        server.internalPublish(message, "bench");
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
