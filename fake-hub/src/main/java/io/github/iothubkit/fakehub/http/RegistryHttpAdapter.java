package io.github.iothubkit.fakehub.http;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.tls.HubCertificates;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry REST subset over HTTPS, served by the JDK's own HTTPS server so that the hub needs no
 * web framework. {@code RegistryClient} always uses port 443 and strict hostname checks, which the
 * hub certificate's IP SAN satisfies; it offers TLS 1.2 only, so both 1.2 and 1.3 are enabled.
 */
public final class RegistryHttpAdapter implements Adapter {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpAdapter.class);
    private static final char[] IN_MEMORY_PASSWORD = "fake-iot-hub".toCharArray();

    private final Predicate<String> connected;
    private HttpsServer server;
    private ExecutorService executor;

    /** A registry that reports every device {@code Disconnected}. */
    public RegistryHttpAdapter() {
        this(deviceId -> false);
    }

    /** @param connected whether a device has a live connection, for {@code connectionState} */
    public RegistryHttpAdapter(Predicate<String> connected) {
        this.connected = Objects.requireNonNull(connected, "connected");
    }

    @Override
    public int start(HubContext hub, int port) throws Exception {
        SSLContext tls = serverContext(hub.certificates());
        server = HttpsServer.create(new InetSocketAddress(hub.host(), port), 50); // BindException if taken
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                params.setSSLParameters(p);
            }
        });
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-iot-hub-https-" + hub.host() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", new RegistryHandler(hub, connected));
        server.start();
        int bound = server.getAddress().getPort();
        LOG.debug("Registry REST listening on https://{}:{}", hub.host(), bound);
        return bound;
    }

    private static SSLContext serverContext(HubCertificates certificates) throws GeneralSecurityException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("hub", certificates.serverKey(), IN_MEMORY_PASSWORD,
                    new Certificate[] {certificates.serverCertificate(), certificates.caCertificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, IN_MEMORY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot build the in-memory key store", e);
        }
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.stop(0); // 0: close open exchanges at once rather than wait for them
            }
        } catch (RuntimeException e) {
            LOG.debug("Registry REST stop failed", e);
        } finally {
            if (executor != null) {
                executor.shutdownNow();
            }
        }
    }
}
