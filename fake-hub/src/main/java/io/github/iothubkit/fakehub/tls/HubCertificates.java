package io.github.iothubkit.fakehub.tls;

import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The hub's TLS material, made in memory at start: a server certificate signed by a test CA, whose
 * subject alternative names hold the bound address (the SDKs verify the host as an IP SAN) and
 * {@code localhost}. Nothing is written to disk.
 */
public final class HubCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration VALIDITY = Duration.ofDays(365);

    /** One server certificate per host and JVM: a hub restarted on the same address reuses it. */
    private static final java.util.Map<String, HubCertificates> BY_HOST = new java.util.concurrent.ConcurrentHashMap<>();

    private final X509Certificate caCertificate;
    private final X509Certificate serverCertificate;
    private final PrivateKey serverKey;
    private volatile javax.net.ssl.KeyManagerFactory keyManagerFactory;
    private volatile javax.net.ssl.SSLContext serverSslContext;
    private volatile HubTrust trust;

    private HubCertificates(X509Certificate ca, X509Certificate server, PrivateKey serverKey) {
        this.caCertificate = ca;
        this.serverCertificate = server;
        this.serverKey = serverKey;
    }

    /**
     * Makes a server certificate for {@code host} (an IP literal or a DNS name), signed by this JVM's
     * test CA. Every hub in one JVM shares that CA, so one trust setting (for example the process-wide
     * default that the service SDK's RegistryClient reads) trusts them all, and only the first hub pays
     * for generating it.
     */
    public static HubCertificates generate(String host) {
        return BY_HOST.computeIfAbsent(host, HubCertificates::create);
    }

    private static HubCertificates create(String host) {
        try {
            Ca ca = Ca.shared();
            KeyPair serverKeys = keyPair();
            X509v3CertificateBuilder server = builder(ca.name, new X500Name("CN=" + host), serverKeys, Instant.now())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, subjectAltNames(host))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate));
            X509Certificate serverCert = sign(server, ca.keys);
            return new HubCertificates(ca.certificate, serverCert, serverKeys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("could not generate the hub's TLS certificates", e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** The test CA of this JVM, made on first use. Its key never leaves memory. */
    private static final class Ca {
        private static Ca shared;

        final X500Name name;
        final KeyPair keys;
        final X509Certificate certificate;

        private Ca() throws GeneralSecurityException, OperatorCreationException, java.io.IOException {
            name = new X500Name("CN=Fake IoT Hub test CA " + Long.toHexString(RANDOM.nextLong()));
            keys = keyPair();
            certificate = sign(builder(name, name, keys, Instant.now())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic())), keys);
        }

        static synchronized Ca shared() throws GeneralSecurityException, OperatorCreationException, java.io.IOException {
            if (shared == null) {
                shared = new Ca();
            }
            return shared;
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Instant now) {
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static GeneralNames subjectAltNames(String host) {
        List<GeneralName> names = new ArrayList<>();
        if (isIpLiteral(host)) {
            names.add(new GeneralName(GeneralName.iPAddress, host));
        } else {
            names.add(new GeneralName(GeneralName.dNSName, host));
        }
        if (!host.equals("localhost")) {
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        }
        if (!host.equals("127.0.0.1")) {
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isIpLiteral(String host) {
        if (!host.matches("[0-9.]+|.*:.*")) {
            return false;
        }
        try {
            InetAddress.getByName(host); // literal: no lookup happens
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The server key and chain for TLS listeners, built once. A JKS store because its key protection is
     * cheap: a PKCS#12 store (what Netty and Vert.x build from a bare key) runs a slow key derivation,
     * which cost 20-100 ms on every hub start.
     */
    public javax.net.ssl.KeyManagerFactory keyManagerFactory() {
        javax.net.ssl.KeyManagerFactory factory = keyManagerFactory;
        if (factory == null) {
            try {
                char[] password = "fake-hub".toCharArray(); // protects an in-memory store only
                java.security.KeyStore store = java.security.KeyStore.getInstance("JKS");
                store.load(null, null);
                store.setKeyEntry("hub", serverKey, password,
                        new java.security.cert.Certificate[] {serverCertificate, caCertificate});
                factory = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, password);
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException("could not load the hub's key into a key manager", e);
            }
            keyManagerFactory = factory;
        }
        return factory;
    }

    /**
     * A server TLS context with this key and chain, built once. It has no trust manager: the hub asks no
     * client for a certificate, and the JDK's default one would first read every CA of its cacerts file.
     */
    public javax.net.ssl.SSLContext serverSslContext() {
        javax.net.ssl.SSLContext context = serverSslContext;
        if (context == null) {
            try {
                context = javax.net.ssl.SSLContext.getInstance("TLS");
                context.init(keyManagerFactory().getKeyManagers(), new javax.net.ssl.TrustManager[0], null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not build the hub's server TLS context", e);
            }
            serverSslContext = context;
        }
        return context;
    }

    /** What a client needs to trust this hub (its CA), built once. */
    public HubTrust trust() {
        HubTrust t = trust;
        if (t == null) {
            t = new HubTrust(caCertificate, caPem());
            trust = t;
        }
        return t;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    public PrivateKey serverKey() {
        return serverKey;
    }

    public String caPem() {
        return pem(caCertificate);
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not PEM-encode " + object.getClass().getSimpleName(), e);
        }
        return out.toString();
    }
}
