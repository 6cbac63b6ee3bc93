package io.github.iothubkit.serviceapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import io.github.iothubkit.serviceapp.ServiceAppException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class ServiceFailuresTest {

    @Test
    void notFoundNamesTheDevice() {
        ServiceAppException e = ServiceFailures.classify(new IotHubNotFoundException("ErrorCode:DeviceNotFound"),
                "hub.example", "ghost");

        assertThat(e.kind()).isEqualTo(Kind.DEVICE_NOT_FOUND);
        assertThat(e.getMessage()).contains("'ghost'", "IotHubNotFoundException", "IOTHUB_DEVICE_ID");
    }

    @Test
    void queueFullIsItsOwnKind() {
        ServiceAppException e = ServiceFailures.classify(
                new IotHubDeviceMaximumQueueDepthExceededException("full"), "hub.example", "dev");

        assertThat(e.kind()).isEqualTo(Kind.QUEUE_FULL);
        assertThat(e.getMessage()).contains("'dev'", "50");
    }

    @Test
    void unauthorizedPointsAtThePolicy() {
        ServiceAppException e = ServiceFailures.classify(new IotHubUnauthorizedException("401"), "hub.example", "d");

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("hub.example", "SharedAccessKeyName");
    }

    @Test
    void networkAndTimeoutFailuresAreUnreachable() {
        assertThat(ServiceFailures.classify(new IOException(new ConnectException("Connection refused")), "h", "d"))
                .satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
                    assertThat(e.getMessage()).isEqualTo("cannot reach the IoT hub at h:5671 (Connection refused)");
                });
        assertThat(ServiceFailures.classify(new TimeoutException("open timed out"), "h", "d").kind())
                .isEqualTo(Kind.UNREACHABLE);
    }

    @Test
    void tlsFailuresPointAtTheTrustSetting() {
        ServiceAppException e = ServiceFailures.classify(new IOException(new SSLHandshakeException("PKIX")), "h", "d");

        assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(e.getMessage()).contains("TLS", "IOTHUB_TRUSTED_CA_PEM");
    }

    @Test
    void otherHubErrorsKeepTheirTypeOnOneLine() {
        ServiceAppException e = ServiceFailures.classify(new IotHubException("throttled\nslow down"), "h", "d");

        assertThat(e.kind()).isEqualTo(Kind.OTHER);
        assertThat(e.getMessage()).isEqualTo("the service client failed (IotHubException): throttled slow down");
    }
}
