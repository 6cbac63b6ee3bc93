package io.github.iothubkit.fakehub.http;

import io.github.iothubkit.fakehub.internal.SharedVertx;
import io.github.iothubkit.fakehub.tls.HubTrust;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.TrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WebSocketTransport#relayTo}: WebSocket frames to and from a TLS connection to one of the hub's own
 * listeners. Bytes from the listener go out in binary messages of at most {@link #MAX_MESSAGE} bytes, which
 * the smallest client buffer (proton-j's WebSocket layer, 4 KiB plus headers) takes whole; MQTT and AMQP
 * are byte streams, so where a message boundary falls does not matter to them. Each side's end closes
 * the other, and a full WebSocket write queue pauses the listener side.
 */
final class TlsRelay implements WebSocketTransport {

    private static final Logger LOG = LoggerFactory.getLogger(TlsRelay.class);
    static final int MAX_MESSAGE = 4096;

    private final String host;
    private final int port;
    private final NetClientOptions options;

    TlsRelay(String host, int port, HubTrust trust) {
        this.host = host;
        this.port = port;
        this.options = new NetClientOptions().setSsl(true).setConnectTimeout(5_000)
                .setTrustOptions(TrustOptions.wrap(trust.trustManagerFactory()))
                .setHostnameVerificationAlgorithm(""); // our own listener, trusted through the hub's CA alone
    }

    @Override
    public void open(ServerWebSocket ws) {
        // one client per connection: a NetClient holds no threads, and closing it with the connection leaks nothing
        NetClient client = SharedVertx.get().createNetClient(options);
        client.connect(port, host).onComplete(connected -> {
            if (connected.failed()) {
                LOG.debug("WebSocket relay to {}:{} could not connect", host, port, connected.cause());
                ws.close((short) 1011, "the hub's listener is unavailable");
                client.close();
                return;
            }
            bridge(ws, connected.result(), client);
        });
    }

    private static void bridge(ServerWebSocket ws, NetSocket socket, NetClient client) {
        ws.handler(bytes -> {
            socket.write(bytes);
            if (socket.writeQueueFull()) {
                ws.pause();
                socket.drainHandler(v -> ws.resume());
            }
        });
        ws.closeHandler(v -> socket.close());
        ws.exceptionHandler(e -> socket.close());
        socket.handler(bytes -> {
            for (int from = 0; from < bytes.length(); from += MAX_MESSAGE) {
                Buffer chunk = bytes.getBuffer(from, Math.min(bytes.length(), from + MAX_MESSAGE));
                ws.writeBinaryMessage(chunk);
            }
            if (ws.writeQueueFull()) {
                socket.pause();
                ws.drainHandler(v -> socket.resume());
            }
        });
        socket.closeHandler(v -> {
            ws.close();
            client.close();
        });
        socket.exceptionHandler(e -> socket.close());
        ws.resume();
    }
}
