package io.github.iothubkit.fakehub;

import io.github.iothubkit.fakehub.http.RegistryHttpAdapter;
import io.github.iothubkit.fakehub.http.WebSocketTransport;
import io.github.iothubkit.fakehub.internal.Adapter;
import io.github.iothubkit.fakehub.internal.HubContext;
import java.net.BindException;

/** How {@link FakeIotHub} starts its listeners: the failure a test author can act on, and the 443 front door. */
final class Listeners {

    private Listeners() {
    }

    /** Starts {@code adapter} on {@code port}; a taken port or any other failure says what to do about it. */
    static int start(Adapter adapter, HubContext context, int port, String protocol) {
        try {
            return adapter.start(context, port);
        } catch (BindException e) {
            throw new FakeIotHubException(protocol + " port " + port + " is in use on " + context.host()
                    + " (the Azure SDKs cannot use another port): stop what holds it, or use another loopback"
                    + " address such as builder().host(\"127.0.0.2\")", e);
        } catch (FakeIotHubException e) {
            throw e;
        } catch (Exception e) {
            throw new FakeIotHubException("could not start the hub's " + protocol + " listener on " + context.host()
                    + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * The HTTPS listener: registry REST, and MQTT and AMQP over WebSockets sharing 443 with it, bridged into
     * the hub's own TLS listeners (REST presence asks the hub's device sessions).
     */
    static RegistryHttpAdapter frontDoor(HubContext context, int mqttsPort, int amqpsPort) {
        String host = context.host();
        var trust = context.certificates().trust();
        return new RegistryHttpAdapter(context.sessions()::isConnected)
                .webSocket("mqtt", WebSocketTransport.relayTo(host, mqttsPort, trust))
                .webSocket("AMQPWSB10", WebSocketTransport.relayTo(host, amqpsPort, trust))
                // the Event Hubs clients' AMQP over WebSockets, for the built-in endpoint
                .webSocket("/$servicebus/websocket", "AMQPWSB10", WebSocketTransport.relayTo(host, amqpsPort, trust));
    }
}
