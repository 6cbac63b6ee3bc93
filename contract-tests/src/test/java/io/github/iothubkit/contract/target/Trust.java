package io.github.iothubkit.contract.target;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/** Trust in one CA given as PEM, in the two shapes clients take: an SSLContext and a TrustManagerFactory. */
public record Trust(SSLContext sslContext, TrustManagerFactory trustManagerFactory) {

    /** Trust exactly the certificates in {@code pemOrPath} (PEM text, or the path of a PEM file). */
    public static Trust fromPem(String pemOrPath) {
        String pem = pemOrPath.contains("-----BEGIN") ? pemOrPath : read(Path.of(pemOrPath.trim()));
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in the PEM given: " + abbreviate(pemOrPath));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            // "TLS" offers 1.3 and 1.2; the SDKs' own default contexts offer only 1.2.
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return new Trust(context, factory);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot read the CA certificate " + abbreviate(pemOrPath) + ": " + e, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA PEM file " + file.toAbsolutePath(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
