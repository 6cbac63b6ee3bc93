package io.github.iothubkit.fakehub.clients;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.util.function.Function;

/**
 * Real Azure SDK clients configured for a fake hub in one line: connection string and trust set, not yet
 * opened (the test opens and closes them). The SDKs are optional dependencies of the kit: add
 * {@code com.microsoft.azure.sdk.iot:iot-device-client} and/or {@code iot-service-client} to your test
 * dependencies; each method needs only its own SDK.
 *
 * <pre>{@code
 * DeviceClient device = HubClients.deviceClient(hub, hub.devices().create("dev1"));
 * MessagingClient messaging = HubClients.messagingClient(hub);
 * }</pre>
 */
public final class HubClients {

    private HubClients() {
    }

    /** The device SDK's client over MQTT/TLS, the only device transport the fake hub serves. */
    public static DeviceClient deviceClient(FakeIotHub hub, DeviceIdentity device) {
        return DeviceSdk.mqttClient(hub, device.connectionString());
    }

    /** The service SDK's C2D sender over AMQPS, as the {@code iothubowner} policy. */
    public static MessagingClient messagingClient(FakeIotHub hub) {
        return ServiceSdk.messagingClient(hub);
    }

    /** The service SDK's feedback receiver over AMQPS; {@code handler} answers each batch. */
    public static MessageFeedbackProcessorClient feedbackProcessor(FakeIotHub hub,
            Function<FeedbackBatch, AcknowledgementType> handler) {
        return ServiceSdk.feedbackProcessor(hub, handler);
    }
}
