package io.github.iothubkit.contract.clients;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubkit.contract.target.HubUnderTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/** The service SDK's {@link MessagingClient} over AMQPS, opened with the target's trust. */
public final class C2dSender implements AutoCloseable {

    private final MessagingClient client;

    private C2dSender(MessagingClient client) {
        this.client = client;
    }

    /** Opens a client for the target's service connection string. */
    public static C2dSender open(HubUnderTest hub) throws IotHubException, IOException, InterruptedException,
            TimeoutException {
        return open(hub, hub.serviceConnectionString());
    }

    /** Opens a client for another connection string (a wrong key, say) of the same hub. */
    public static C2dSender open(HubUnderTest hub, String connectionString) throws IotHubException, IOException,
            InterruptedException, TimeoutException {
        MessagingClientOptions.MessagingClientOptionsBuilder options = MessagingClientOptions.builder();
        if (hub.sslContext() != null) {
            options.sslContext(hub.sslContext());
        }
        MessagingClient client = new MessagingClient(connectionString, IotHubServiceClientProtocol.AMQPS,
                options.build());
        client.open();
        return new C2dSender(client);
    }

    /** A message with an id, a UTF-8 body and an ack mode. */
    public static Message message(String messageId, String body, DeliveryAcknowledgement ack) {
        return message(messageId, body.getBytes(StandardCharsets.UTF_8), ack);
    }

    public static Message message(String messageId, byte[] body, DeliveryAcknowledgement ack) {
        Message m = new Message(body);
        m.setMessageId(messageId);
        m.setDeliveryAcknowledgement(ack);
        return m;
    }

    public static Message withExpiry(Message m, Instant expiry) {
        m.setExpiryTimeUtc(Date.from(expiry));
        return m;
    }

    public static Message withProperties(Message m, Map<String, String> properties) {
        m.setProperties(properties);
        return m;
    }

    public void send(String deviceId, Message message) throws IotHubException, InterruptedException, TimeoutException {
        client.send(deviceId, message);
    }

    @Override
    public void close() {
        try {
            if (client.isOpen()) {
                client.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
