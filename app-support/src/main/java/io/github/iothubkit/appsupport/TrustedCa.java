package io.github.iothubkit.appsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Turns a PEM CA bundle into an {@link SSLContext} that trusts only those CAs. The SDK's own default
 * trusts the JVM store; a hub with a private CA (a test hub, a gateway) needs its CA passed this way.
 * Every failure is an {@link IllegalArgumentException} whose message says what is wrong with the CA.
 */
public final class TrustedCa {

    private TrustedCa() {
    }

    /** Accepts either PEM text (contains {@code -----BEGIN}) or the path of a PEM file. */
    public static SSLContext fromPemOrPath(String pemOrPath) {
        return sslContext(trustManagerFactory(pemOrPath));
    }

    public static SSLContext fromPem(String pem, String source) {
        return sslContext(trustManagerFactory(pem, source));
    }

    /** The same trust for clients that take a {@link TrustManagerFactory} (HiveMQ, Netty). */
    public static TrustManagerFactory trustManagerFactory(String pemOrPath) {
        if (pemOrPath.contains("-----BEGIN")) {
            return trustManagerFactory(pemOrPath, "the given PEM text");
        }
        Path file = Path.of(pemOrPath.trim());
        try {
            return trustManagerFactory(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the trusted CA file " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static TrustManagerFactory trustManagerFactory(String pem, String source) {
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate found in " + source);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("trusted-ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    "the trusted CA in " + source + " is not valid PEM (" + e.getMessage() + ")", e);
        }
    }

    /** A context that trusts what {@code trust} trusts, and nothing else. */
    public static SSLContext sslContext(TrustManagerFactory trust) {
        try {
            // "TLS" rather than the SDK's "TLSv1.2": lets the handshake use 1.3 when the hub offers it.
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM offers no TLS", e);
        }
    }
}
