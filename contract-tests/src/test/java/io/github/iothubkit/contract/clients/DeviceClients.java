package io.github.iothubkit.contract.clients;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
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

    /** One SDK twin call. */
    public interface TwinCall<T> {
        T run() throws Exception;
    }

    /**
     * A twin call retried while it fails with the SDK's operation timeout, up to three times with a new request
     * each time: the Java device SDK 2.5.0 can drop a twin response under CPU load, against any hub (the kit's
     * {@code clients.SdkTwinCalls} does the same; this suite stays off the kit's API so it runs against a real hub).
     */
    public static <T> T retryingTimeouts(TwinCall<T> call) throws Exception {
        IotHubClientException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return call.run();
            } catch (IotHubClientException e) {
                if (e.getStatusCode() != IotHubStatusCode.DEVICE_OPERATION_TIMED_OUT) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }
}
