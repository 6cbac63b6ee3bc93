package io.github.iothubkit.serviceapp;

import static io.github.iothubkit.appsupport.Causes.describe;
import static io.github.iothubkit.appsupport.Causes.inChain;
import static io.github.iothubkit.appsupport.Causes.rootCause;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import io.github.iothubkit.serviceapp.ServiceAppException.Kind;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Maps what the service SDK throws to one-line, actionable messages (no stack traces). */
public final class ServiceFailures {

    private ServiceFailures() {
    }

    /** For the {@code IllegalArgumentException} the client constructors throw on a bad connection string. */
    public static ServiceAppException malformedConnectionString(IllegalArgumentException e) {
        return new ServiceAppException(Kind.CONFIGURATION, "the IoT hub connection string is malformed: "
                + describe(e) + " (expected HostName=<host>;SharedAccessKeyName=<policy>;SharedAccessKey=<key>)", e);
    }

    /** Classifies a failure of opening the clients, sending, or receiving feedback. */
    public static ServiceAppException classify(Throwable failure, String hostName, String deviceId) {
        Throwable root = rootCause(failure);
        if (failure instanceof IotHubNotFoundException) {
            return new ServiceAppException(Kind.DEVICE_NOT_FOUND, "device '" + deviceId + "' was not found in the hub"
                    + " at " + hostName + " (IotHubNotFoundException): it is not registered or is disabled;"
                    + " check IOTHUB_DEVICE_ID", failure);
        }
        if (failure instanceof IotHubDeviceMaximumQueueDepthExceededException) {
            return new ServiceAppException(Kind.QUEUE_FULL, "the cloud-to-device queue of device '" + deviceId
                    + "' is full (at most 50 messages wait per device): let the device receive them, then retry",
                    failure);
        }
        if (failure instanceof IotHubUnauthorizedException) {
            return new ServiceAppException(Kind.UNAUTHORIZED, "the hub at " + hostName + " refused the service"
                    + " credentials (IotHubUnauthorizedException): check SharedAccessKeyName and SharedAccessKey,"
                    + " and that the policy has the 'service connect' permission", failure);
        }
        // proton-j reports TLS failures as an IOException whose message names the SSL exception.
        if (inChain(failure, SSLException.class) || describe(root).contains("javax.net.ssl.")) {
            return new ServiceAppException(Kind.UNREACHABLE, "the TLS handshake with " + hostName + ":5671 failed ("
                    + describe(root) + "): if the hub uses a private CA, set IOTHUB_TRUSTED_CA_PEM to its PEM file",
                    failure);
        }
        if (failure instanceof IOException || failure instanceof TimeoutException || root instanceof IOException) {
            return new ServiceAppException(Kind.UNREACHABLE, "cannot reach the IoT hub at " + hostName + ":5671 ("
                    + describe(root) + ")", failure);
        }
        return new ServiceAppException(Kind.OTHER, "the service client failed (" + failure.getClass().getSimpleName()
                + "): " + describe(failure), failure);
    }
}
