package io.github.iothubkit.fakehub.clients;

import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubkit.fakehub.FakeIotHub;
import java.util.function.Function;

/** Service SDK code kept apart from the device SDK's, so each works without the other on the class path. */
final class ServiceSdk {

    private ServiceSdk() {
    }

    static MessagingClient messagingClient(FakeIotHub hub) {
        return new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(hub.trust().sslContext()).build());
    }

    static MessageFeedbackProcessorClient feedbackProcessor(FakeIotHub hub,
            Function<FeedbackBatch, AcknowledgementType> handler) {
        return new MessageFeedbackProcessorClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                handler::apply, MessageFeedbackProcessorClientOptions.builder().sslContext(hub.trust().sslContext()).build());
    }
}
