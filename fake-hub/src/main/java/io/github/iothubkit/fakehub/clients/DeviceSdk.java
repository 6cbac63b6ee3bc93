package io.github.iothubkit.fakehub.clients;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import io.github.iothubkit.fakehub.FakeIotHub;

/** Device SDK code kept apart from the service SDK's, so each works without the other on the class path. */
final class DeviceSdk {

    private DeviceSdk() {
    }

    static DeviceClient mqttClient(FakeIotHub hub, String connectionString) {
        return new DeviceClient(connectionString, IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub.trust().sslContext()).build());
    }
}
