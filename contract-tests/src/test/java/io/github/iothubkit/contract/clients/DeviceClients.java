package io.github.iothubkit.contract.clients;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.TestDevice;

/** The device SDK's {@link DeviceClient}, built (not opened) with the target's trust. */
public final class DeviceClients {

    private DeviceClients() {
    }

    /** A client of the device over MQTT; against the real hub (no target SSL context) the JVM's default trust. */
    public static DeviceClient mqtt(HubUnderTest hub, TestDevice device) {
        ClientOptions.ClientOptionsBuilder options = ClientOptions.builder();
        if (hub.sslContext() != null) {
            options.sslContext(hub.sslContext());
        }
        return new DeviceClient(device.connectionString(), IotHubClientProtocol.MQTT, options.build());
    }
}
