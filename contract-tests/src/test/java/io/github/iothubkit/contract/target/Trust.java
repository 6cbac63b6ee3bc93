package io.github.iothubkit.contract.target;

import io.github.iothubkit.appsupport.TrustedCa;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Trust in one CA given as PEM, in the two shapes clients take: an SSLContext and a TrustManagerFactory. */
public record Trust(SSLContext sslContext, TrustManagerFactory trustManagerFactory) {

    /** Trust exactly the certificates in {@code pemOrPath} (PEM text, or the path of a PEM file). */
    public static Trust fromPem(String pemOrPath) {
        TrustManagerFactory factory = TrustedCa.trustManagerFactory(pemOrPath);
        return new Trust(TrustedCa.sslContext(factory), factory);
    }
}
