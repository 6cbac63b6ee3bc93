package io.github.iothubkit.fakehub.internal;

import io.github.iothubkit.fakehub.tls.HubCertificates;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The listeners' Netty TLS contexts, made straight from a JDK {@link SSLContext}. Netty's own builder
 * ({@code SslContextBuilder.forServer}) runs a self-check when its server context class loads that parses a
 * PEM key through BouncyCastle whenever bcprov is on the class path, and so builds BouncyCastle's whole
 * provider: 0.4-0.7 s of a hub's first start. Netty's {@link JdkSslContext} in turn makes a throw-away
 * default context on first use, which reads every CA of the JDK's cacerts file (about 0.1 s). The server
 * contexts here do neither; they offer the JDK's default cipher suites, on every listener alike.
 */
public final class ServerTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ServerTls() {
    }

    /** Moquette's context: TLS 1.3 and 1.2. */
    public static SslContext netty(HubCertificates certificates) {
        return new JdkServerContext(certificates.serverSslContext(), PROTOCOLS, ClientAuth.NONE);
    }

    /** Vert.x engine options whose server contexts skip Netty's builder; Vert.x still sets the protocols. */
    public static SSLEngineOptions vertx() {
        return new EngineOptions();
    }

    /** Vert.x's JDK engine options, but for the factory. */
    private static final class EngineOptions extends SSLEngineOptions {
        EngineOptions() {
        }

        EngineOptions(EngineOptions other) {
            super(other);
        }

        @Override
        public SslContextFactory sslContextFactory() {
            return new Factory(new JdkSSLEngineOptions().sslContextFactory());
        }

        @Override
        public SSLEngineOptions copy() {
            return new EngineOptions(this);
        }
    }

    /**
     * Vert.x's server contexts, with the JDK's default cipher suites as Vert.x's own factory uses them. A
     * client context (never asked of the hub's servers) is left to Vert.x's factory.
     */
    private static final class Factory implements SslContextFactory {
        private final SslContextFactory fallback;
        private boolean forClient;
        private boolean useAlpn;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private KeyManagerFactory keys;
        private TrustManagerFactory trust;
        private Set<String> cipherSuites = Set.of();
        private List<String> applicationProtocols = List.of();

        Factory(SslContextFactory fallback) {
            this.fallback = fallback;
        }

        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
            this.useAlpn = useAlpn;
            fallback.useAlpn(useAlpn);
            return this;
        }

        @Override
        public SslContextFactory clientAuth(ClientAuth clientAuth) {
            this.clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
            fallback.clientAuth(clientAuth);
            return this;
        }

        @Override
        public SslContextFactory forClient(boolean forClient) {
            this.forClient = forClient;
            fallback.forClient(forClient);
            return this;
        }

        @Override
        public SslContextFactory keyMananagerFactory(KeyManagerFactory factory) {
            this.keys = factory;
            fallback.keyMananagerFactory(factory);
            return this;
        }

        @Override
        public SslContextFactory trustManagerFactory(TrustManagerFactory factory) {
            this.trust = factory;
            fallback.trustManagerFactory(factory);
            return this;
        }

        @Override
        public SslContextFactory enabledCipherSuites(Set<String> suites) {
            this.cipherSuites = suites == null ? Set.of() : suites;
            fallback.enabledCipherSuites(suites);
            return this;
        }

        @Override
        public SslContextFactory applicationProtocols(List<String> protocols) {
            this.applicationProtocols = protocols == null ? List.of() : protocols;
            fallback.applicationProtocols(protocols);
            return this;
        }

        @Override
        public SslContextFactory serverName(String serverName) {
            fallback.serverName(serverName);
            return this;
        }

        @Override
        public SslContext create() throws SSLException {
            if (forClient) {
                return fallback.create();
            }
            SSLContext context;
            try {
                context = SSLContext.getInstance("TLS");
                // without client authentication no trust manager is consulted: skip loading the JDK's cacerts
                context.init(keys == null ? null : keys.getKeyManagers(),
                        trust == null ? new TrustManager[0] : trust.getTrustManagers(), null);
            } catch (GeneralSecurityException e) {
                throw new SSLException("could not build a server TLS context", e);
            }
            if (cipherSuites.isEmpty() && !(useAlpn && !applicationProtocols.isEmpty())) {
                return new JdkServerContext(context, null, clientAuth); // Vert.x sets the protocols on each engine
            }
            ApplicationProtocolConfig alpn = useAlpn && !applicationProtocols.isEmpty()
                    ? new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.FATAL_ALERT, applicationProtocols)
                    : null;
            Iterable<String> suites = cipherSuites.isEmpty()
                    ? List.of(context.getDefaultSSLParameters().getCipherSuites()) : cipherSuites;
            return new JdkSslContext(context, false, suites, IdentityCipherSuiteFilter.INSTANCE, alpn, clientAuth,
                    null, false);
        }
    }

    /** A server context that hands out the JDK context's engines, with its default cipher suites. */
    private static final class JdkServerContext extends SslContext {
        private final SSLContext context;
        private final String[] protocols;
        private final ClientAuth clientAuth;

        JdkServerContext(SSLContext context, String[] protocols, ClientAuth clientAuth) {
            this.context = context;
            this.protocols = protocols;
            this.clientAuth = clientAuth;
        }

        @Override
        public boolean isClient() {
            return false;
        }

        @Override
        public List<String> cipherSuites() {
            return List.of(context.getDefaultSSLParameters().getCipherSuites());
        }

        @Override
        @SuppressWarnings("deprecation")
        public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
            return List::of; // no ALPN
        }

        @Override
        public SSLEngine newEngine(ByteBufAllocator alloc) {
            return configure(context.createSSLEngine());
        }

        @Override
        public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
            return configure(context.createSSLEngine(peerHost, peerPort));
        }

        private SSLEngine configure(SSLEngine engine) {
            engine.setUseClientMode(false);
            if (protocols != null) {
                engine.setEnabledProtocols(protocols);
            }
            switch (clientAuth) {
                case REQUIRE -> engine.setNeedClientAuth(true);
                case OPTIONAL -> engine.setWantClientAuth(true);
                default -> { }
            }
            return engine;
        }

        @Override
        public SSLSessionContext sessionContext() {
            return context.getServerSessionContext();
        }
    }
}
