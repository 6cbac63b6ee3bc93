package io.github.iothubkit.fakehub.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The certificates the JDK alone makes: what a strict verifier (RFC 5280, OpenSSL's X509_STRICT) looks for. */
class HubCertificatesTest {

    private static final String HOST = "127.0.0.67";

    private final HubCertificates certificates = HubCertificates.generate(HOST);
    private final X509Certificate ca = certificates.caCertificate();
    private final X509Certificate server = certificates.serverCertificate();

    @Test
    void theServerCertificateChainsToTheCaUnderPkixValidation() throws Exception {
        server.verify(ca.getPublicKey());
        ca.verify(ca.getPublicKey());
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(server)), parameters);
        assertThat(server.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(server.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(server.getVersion()).isEqualTo(3);
        assertThat(server.getSerialNumber()).isPositive();
        assertThat(server.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=" + HOST);
    }

    @Test
    void theServerCertificateNamesTheHostAndLoopback() throws Exception {
        assertThat(server.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(7, HOST), List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(HubCertificates.generate("localhost").serverCertificate().getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(HubCertificates.generate("hub.example.test").serverCertificate().getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "hub.example.test"), List.of(2, "localhost"),
                        List.of(7, "127.0.0.1"));
    }

    @Test
    void extensionsAreWhatAStrictVerifierAsksOf() throws Exception {
        assertThat(ca.getBasicConstraints()).isZero(); // a CA, path length 0
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
        assertThat(server.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
        assertThat(ca.getKeyUsage()).startsWith(false, false, false, false, false, true, true);
        assertThat(server.getKeyUsage()).startsWith(true, false, false, false, true, false, false);
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        // the server's authority key id is the CA's subject key id (OpenSSL's chain building matches them)
        byte[] ski = unwrap(ca.getExtensionValue("2.5.29.14"));
        byte[] aki = unwrap(server.getExtensionValue("2.5.29.35"));
        assertThat(ski).hasSize(2 + 20).startsWith(0x04, 20); // OCTET STRING of a SHA-1
        assertThat(aki).isEqualTo(Der.sequence(Der.implicit(0, Arrays.copyOfRange(ski, 2, ski.length))));
        assertThat(ca.getExtensionValue("2.5.29.35")).isNull();
    }

    @Test
    void validFromAnHourAgoForAYear() throws Exception {
        Instant now = Instant.now();
        server.checkValidity();
        assertThat(server.getNotBefore().toInstant()).isBetween(now.minus(Duration.ofMinutes(62)),
                now.minus(Duration.ofMinutes(58)));
        assertThat(Duration.between(server.getNotBefore().toInstant(), server.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(365).plusHours(1));
    }

    @Test
    void pemParsesBackToTheCa() throws Exception {
        String pem = certificates.caPem();
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("\n-----END CERTIFICATE-----\n");
        assertThat(pem.lines().filter(l -> !l.startsWith("-----"))).allMatch(l -> l.length() <= 64);
        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(parsed).isEqualTo(ca);
    }

    @Test
    void aClientThatChecksTheHostCompletesAHandshakeWithTheServerContext() throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) certificates.serverSslContext().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName(HOST))) {
            CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    return s.getSession().getProtocol();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SSLSocket client = (SSLSocket) certificates.trust().sslContext().getSocketFactory().createSocket()) {
                SSLParameters parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the IP SAN must match
                parameters.setProtocols(new String[] {"TLSv1.2"}); // what the SDKs' default contexts speak
                client.setSSLParameters(parameters);
                client.connect(new InetSocketAddress(HOST, listener.getLocalPort()), 5000);
                client.setSoTimeout(5000);
                client.startHandshake();
                assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(server);
                assertThat(client.getSession().getCipherSuite()).startsWith("TLS_ECDHE_ECDSA_");
            }
            assertThat(accepted.get(5, TimeUnit.SECONDS)).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void derEncodingsMatchX690() {
        assertThat(Der.oid("1.2.840.10045.4.3.2"))
                .containsExactly(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02);
        assertThat(Der.namedBits(1 | 1 << 4)).containsExactly(0x03, 0x02, 0x03, 0x88); // trailing zeros dropped
        assertThat(Der.namedBits(1 << 5 | 1 << 6)).containsExactly(0x03, 0x02, 0x01, 0x06);
        assertThat(Der.namedBits(1 << 8)).containsExactly(0x03, 0x03, 0x07, 0x00, 0x80);
        assertThat(Der.tlv(0x04, new byte[200])).startsWith(0x04, 0x81, 200).hasSize(203);
        assertThat(Der.tlv(0x04, new byte[300])).startsWith(0x04, 0x82, 0x01, 0x2c).hasSize(304);
        assertThat(Der.integer(128)).containsExactly(0x02, 0x02, 0x00, 0x80); // stays positive
        assertThat(new String(Der.time(Instant.parse("2049-12-31T23:59:59Z")), StandardCharsets.US_ASCII))
                .endsWith("491231235959Z").startsWith("\u0017");
        assertThat(new String(Der.time(Instant.parse("2050-01-01T00:00:00Z")), StandardCharsets.US_ASCII))
                .endsWith("20500101000000Z").startsWith("\u0018");
    }

    /** The DER value inside the OCTET STRING that getExtensionValue wraps it in. */
    private static byte[] unwrap(byte[] extensionValue) {
        return Arrays.copyOfRange(extensionValue, Der.headerLength(extensionValue, 0), extensionValue.length);
    }
}
