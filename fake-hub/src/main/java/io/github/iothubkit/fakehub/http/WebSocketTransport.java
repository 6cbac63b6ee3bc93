package io.github.iothubkit.fakehub.http;

import io.github.iothubkit.fakehub.tls.HubTrust;
import io.vertx.core.http.ServerWebSocket;

/**
 * What the 443 {@link FrontDoor} hands an upgraded WebSocket to: one per subprotocol ({@code mqtt},
 * {@code AMQPWSB10}). The hub registers them on {@link RegistryHttpAdapter#webSocket}; a transport turns
 * the client's binary frames into its protocol's byte stream and back, so the protocol itself is served
 * by the hub's existing MQTT (Moquette) or AMQP (vertx-proton) pipeline.
 */
@FunctionalInterface
public interface WebSocketTransport {

    /**
     * Takes over one upgraded connection, on a Vert.x event loop: must not block. The socket is paused;
     * the transport resumes it once it can take bytes, and closes it when its side ends.
     */
    void open(ServerWebSocket socket);

    /**
     * A byte bridge into one of this hub's own TLS listeners (MQTT/TLS or AMQPS): each WebSocket becomes a
     * TLS connection to {@code host:port}, its binary frames that connection's bytes in both directions.
     * Moquette and vertx-proton take their connections from a socket only, so the bridge gives them one.
     */
    static WebSocketTransport relayTo(String host, int port, HubTrust trust) {
        return new TlsRelay(host, port, trust);
    }
}
