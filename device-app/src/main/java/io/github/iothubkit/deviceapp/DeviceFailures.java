package io.github.iothubkit.deviceapp;

import static io.github.iothubkit.appsupport.Causes.describe;
import static io.github.iothubkit.appsupport.Causes.inChain;
import static io.github.iothubkit.appsupport.Causes.oneLine;
import static io.github.iothubkit.appsupport.Causes.rootCause;

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import io.github.iothubkit.deviceapp.DeviceAppException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/**
 * Maps what the device SDK throws to one-line, actionable messages. The SDK wraps the real reason
 * two or three levels deep (IotHubClientException → ProtocolException → SSLHandshakeException ...),
 * so the root cause is dug out and named instead of printing the chain.
 */
public final class DeviceFailures {

    private DeviceFailures() {
    }

    /** For the {@code IllegalArgumentException} the DeviceClient constructor throws on a bad string. */
    public static DeviceAppException malformedConnectionString(IllegalArgumentException e) {
        return new DeviceAppException(Kind.CONFIGURATION, "the device connection string is malformed: "
                + oneLine(e.getMessage()) + " (expected HostName=<host>;DeviceId=<id>;SharedAccessKey=<key>)", e);
    }

    /** Classifies a failure of {@code open()}, or the cause of a permanent disconnect. */
    public static DeviceAppException classify(Throwable failure, String hostName, String deviceId) {
        String endpoint = hostName + ":8883";
        Throwable root = rootCause(failure);
        IotHubStatusCode status = failure instanceof IotHubClientException e ? e.getStatusCode() : null;
        if (status == IotHubStatusCode.UNAUTHORIZED) {
            return new DeviceAppException(Kind.UNAUTHORIZED, "the hub at " + hostName + " refused device '" + deviceId
                    + "' (UNAUTHORIZED): check the SharedAccessKey and that the device exists and is enabled", failure);
        }
        if (inChain(failure, SSLException.class)) {
            return new DeviceAppException(Kind.UNREACHABLE, "the TLS handshake with " + endpoint + " failed ("
                    + describe(root) + "): if the hub uses a private CA, set IOTHUB_TRUSTED_CA_PEM to its PEM file",
                    failure);
        }
        if (status == IotHubStatusCode.IO_ERROR || status == IotHubStatusCode.DEVICE_OPERATION_TIMED_OUT
                || status == IotHubStatusCode.SERVER_BUSY || isNetwork(root)) {
            return new DeviceAppException(Kind.UNREACHABLE, "cannot reach the IoT hub at " + endpoint + " ("
                    + (status == null ? "" : status + ": ") + describe(root) + ")", failure);
        }
        return new DeviceAppException(Kind.OTHER, "the device client failed"
                + (status == null ? "" : " (" + status + ")") + ": " + describe(root), failure);
    }

    private static boolean isNetwork(Throwable root) {
        return root instanceof ConnectException || root instanceof NoRouteToHostException
                || root instanceof SocketTimeoutException || root instanceof UnknownHostException
                || root instanceof java.util.concurrent.TimeoutException;
    }
}
