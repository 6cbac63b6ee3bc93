package io.github.iothubkit.fakehub.clients;

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;

/**
 * Twin calls of the Java device SDK 2.5.0 with a retry for that SDK's own race, whatever the hub and the
 * transport: {@code IotHubTransport.onMessageReceived} queues a response before it looks up the request's
 * correlation callback, and the receive thread may acknowledge the response and remove that callback first
 * (seen under CPU load). The response is then dropped and the call times out. Each attempt sends a new
 * request, so a hub that never answers still fails; a reported-properties update that was applied but whose
 * answer was lost makes the retry's version one higher, so callers compare versions with the hub's own.
 * Works against a real hub too: <pre>{@code
 * Twin twin = SdkTwinCalls.retryingTimeouts(() -> client.getTwin(10_000));
 * }</pre>
 */
public final class SdkTwinCalls {

    /** One SDK twin call. */
    public interface Call<T> {
        T run() throws Exception;
    }

    private SdkTwinCalls() {
    }

    /** Runs {@code call} up to three times while it fails with the SDK's operation timeout. */
    public static <T> T retryingTimeouts(Call<T> call) throws Exception {
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
