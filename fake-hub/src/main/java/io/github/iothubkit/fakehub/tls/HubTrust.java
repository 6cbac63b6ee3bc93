package io.github.iothubkit.fakehub.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a client needs to trust the hub: its CA as an {@link SSLContext} (for
 * {@code ClientOptions.builder().sslContext(..)} and {@code MessagingClientOptions}), a
 * {@link TrustManagerFactory}, or PEM text for SDKs in other languages.
 */
public final class HubTrust {

    private final X509Certificate ca;
    private final String caPem;
    private volatile SSLContext sslContext;
    private volatile TrustManagerFactory trustManagerFactory;

    public HubTrust(X509Certificate ca, String caPem) {
        this.ca = ca;
        this.caPem = caPem;
    }

    /** A TLS context (TLS 1.2 and 1.3) that trusts exactly this hub's CA. */
    public SSLContext sslContext() {
        SSLContext context = sslContext;
        if (context == null) {
            try {
                context = SSLContext.getInstance("TLS");
                context.init(null, trustManagerFactory().getTrustManagers(), null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not build an SSLContext for the hub's CA", e);
            }
            sslContext = context;
        }
        return context;
    }

    /** A trust manager factory that trusts exactly this hub's CA, built once. */
    public TrustManagerFactory trustManagerFactory() {
        TrustManagerFactory factory = trustManagerFactory;
        if (factory == null) {
            try {
                factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trustStore());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not build a trust manager for the hub's CA", e);
            }
            trustManagerFactory = factory;
        }
        return factory;
    }

    /** An in-memory PKCS#12 key store holding the CA as its only trusted entry. */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("fake-iot-hub-ca", ca);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build a trust store for the hub's CA", e);
        }
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    /** The CA certificate as PEM text. */
    public String caPem() {
        return caPem;
    }

    /** Writes the CA certificate as PEM to {@code file} and returns it. */
    public Path writeCaPem(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.writeString(file, caPem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the hub's CA to " + file, e);
        }
    }
}
