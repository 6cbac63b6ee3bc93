package io.github.iothubkit.fakehub.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The hub's TLS material, made in memory at start: a server certificate signed by a test CA, whose
 * subject alternative names hold the bound address (the SDKs verify the host as an IP SAN) and
 * {@code localhost}. Nothing is written to disk.
 */
public final class HubCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration VALIDITY = Duration.ofDays(365);

    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String SUBJECT_KEY_ID = "2.5.29.14";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String AUTHORITY_KEY_ID = "2.5.29.35";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    // KeyUsage bits (RFC 5280 4.2.1.3)
    private static final int DIGITAL_SIGNATURE = 1;
    private static final int KEY_AGREEMENT = 1 << 4;
    private static final int KEY_CERT_SIGN = 1 << 5;
    private static final int CRL_SIGN = 1 << 6;

    /** One server certificate per host and JVM: a hub restarted on the same address reuses it. */
    private static final java.util.Map<String, HubCertificates> BY_HOST = new java.util.concurrent.ConcurrentHashMap<>();

    private final X509Certificate caCertificate;
    private final X509Certificate serverCertificate;
    private final PrivateKey serverKey;
    private javax.net.ssl.KeyManagerFactory keyManagerFactory;
    private javax.net.ssl.SSLContext serverSslContext;
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
            byte[][] extensions = {
                extension(BASIC_CONSTRAINTS, true, Der.sequence()), // not a CA
                extension(KEY_USAGE, true, Der.namedBits(DIGITAL_SIGNATURE | KEY_AGREEMENT)),
                extension(EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH))),
                extension(SUBJECT_ALT_NAME, false, subjectAltNames(host)),
                extension(AUTHORITY_KEY_ID, false, Der.sequence(Der.implicit(0, ca.keyId))),
            };
            X509Certificate serverCert = sign(ca.name, commonName(host), serverKeys.getPublic(), extensions,
                    ca.keys.getPrivate());
            return new HubCertificates(ca.certificate, serverCert, serverKeys.getPrivate());
        } catch (GeneralSecurityException | UnknownHostException e) {
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

        final byte[] name;
        final KeyPair keys;
        final byte[] keyId;
        final X509Certificate certificate;

        private Ca() throws GeneralSecurityException {
            name = commonName("Fake IoT Hub test CA " + Long.toHexString(RANDOM.nextLong()));
            keys = keyPair();
            keyId = keyIdentifier(keys.getPublic());
            certificate = sign(name, name, keys.getPublic(), new byte[][] {
                extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.integer(0))), // CA, path length 0
                extension(KEY_USAGE, true, Der.namedBits(KEY_CERT_SIGN | CRL_SIGN)),
                extension(SUBJECT_KEY_ID, false, Der.octetString(keyId)),
            }, keys.getPrivate());
        }

        static synchronized Ca shared() throws GeneralSecurityException {
            if (shared == null) {
                shared = new Ca();
            }
            return shared;
        }
    }

    /** An X.509 v3 certificate (RFC 5280 4.1), valid from an hour ago for {@link #VALIDITY}, signed by ECDSA. */
    private static X509Certificate sign(byte[] issuer, byte[] subject, PublicKey subjectKey, byte[][] extensions,
            PrivateKey issuerKey) throws GeneralSecurityException {
        Instant now = Instant.now();
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256)); // no parameters (RFC 5758 3.2)
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)), // v3
                Der.integer(new BigInteger(64, RANDOM).add(BigInteger.ONE)), // positive, as RFC 5280 asks
                algorithm,
                issuer,
                Der.sequence(Der.time(now.minus(Duration.ofHours(1))), Der.time(now.plus(VALIDITY))),
                subject,
                subjectKey.getEncoded(), // the JDK encodes it as SubjectPublicKeyInfo already
                Der.explicit(3, Der.sequence(extensions)));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(issuerKey, RANDOM);
        signer.update(tbs);
        byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate));
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value)); // DER leaves out the default FALSE
    }

    /** A Name of one common name, as UTF8String (RFC 5280 4.1.2.4). */
    private static byte[] commonName(String cn) {
        return Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(cn))));
    }

    /** RFC 5280 4.2.1.2, method 1: the SHA-1 of the subjectPublicKey bits. */
    private static byte[] keyIdentifier(PublicKey key) throws GeneralSecurityException {
        byte[] info = key.getEncoded(); // SEQUENCE { AlgorithmIdentifier, BIT STRING subjectPublicKey }
        int algorithm = Der.headerLength(info, 0);
        int bits = algorithm + Der.headerLength(info, algorithm) + Der.contentLength(info, algorithm);
        int end = bits + Der.headerLength(info, bits) + Der.contentLength(info, bits);
        int start = bits + Der.headerLength(info, bits) + 1; // after the unused-bits count
        return MessageDigest.getInstance("SHA-1").digest(Arrays.copyOfRange(info, start, end));
    }

    private static byte[] subjectAltNames(String host) throws UnknownHostException {
        List<byte[]> names = new ArrayList<>();
        if (isIpLiteral(host)) {
            names.add(Der.implicit(7, InetAddress.getByName(host).getAddress())); // iPAddress
        } else {
            names.add(Der.implicit(2, ascii(host))); // dNSName
        }
        if (!host.equals("localhost")) {
            names.add(Der.implicit(2, ascii("localhost")));
        }
        if (!host.equals("127.0.0.1")) {
            names.add(Der.implicit(7, new byte[] {127, 0, 0, 1}));
        }
        return Der.sequence(names.toArray(byte[][]::new));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
    public synchronized javax.net.ssl.KeyManagerFactory keyManagerFactory() {
        javax.net.ssl.KeyManagerFactory factory = keyManagerFactory; // both start lanes ask: build it once
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
    public synchronized javax.net.ssl.SSLContext serverSslContext() {
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

    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("could not PEM-encode the hub's CA", e);
        }
    }
}
