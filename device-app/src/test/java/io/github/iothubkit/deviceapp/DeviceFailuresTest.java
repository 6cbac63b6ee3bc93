package io.github.iothubkit.deviceapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import io.github.iothubkit.appsupport.ConnectionStrings;
import io.github.iothubkit.deviceapp.DeviceAppException.Kind;
import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class DeviceFailuresTest {

    @Test
    void unauthorizedNamesTheDeviceAndTheKey() {
        DeviceAppException e = DeviceFailures.classify(
                new IotHubClientException(IotHubStatusCode.UNAUTHORIZED, "refused"), "hub.example", "dev1");

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("dev1", "UNAUTHORIZED", "SharedAccessKey").doesNotContain("\n");
    }

    @Test
    void ioErrorIsUnreachableAndNamesTheRootCause() {
        Exception chain = new IotHubClientException(IotHubStatusCode.IO_ERROR,
                new RuntimeException("Unable to establish MQTT connection", new ConnectException("Connection refused")));

        DeviceAppException e = DeviceFailures.classify(chain, "127.0.0.9", "dev1");

        assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(e.getMessage()).isEqualTo("cannot reach the IoT hub at 127.0.0.9:8883 (IO_ERROR: Connection refused)");
    }

    @Test
    void operationTimeoutIsUnreachable() {
        DeviceAppException e = DeviceFailures.classify(
                new IotHubClientException(IotHubStatusCode.DEVICE_OPERATION_TIMED_OUT, "timed out"), "h.x", "d");

        assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
    }

    @Test
    void tlsFailurePointsAtTheTrustSetting() {
        Exception chain = new IotHubClientException(IotHubStatusCode.IO_ERROR,
                new RuntimeException(new SSLHandshakeException("PKIX path building failed")));

        DeviceAppException e = DeviceFailures.classify(chain, "127.0.0.9", "dev1");

        assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(e.getMessage()).contains("TLS handshake", "PKIX path building failed", "IOTHUB_TRUSTED_CA_PEM");
    }

    @Test
    void otherStatusesKeepTheirName() {
        DeviceAppException e = DeviceFailures.classify(
                new IotHubClientException(IotHubStatusCode.THROTTLED, "slow down\nplease"), "h.x", "d");

        assertThat(e.kind()).isEqualTo(Kind.OTHER);
        assertThat(e.getMessage()).isEqualTo("the device client failed (THROTTLED): slow down please");
    }

    @Test
    void readsConnectionStringAttributesCaseInsensitively() {
        String cs = "hostname=h.example;DeviceId=dev 1;SharedAccessKey=a2V5";

        assertThat(ConnectionStrings.attributeIgnoringCase(cs, "HostName")).isEqualTo("h.example");
        assertThat(ConnectionStrings.attributeIgnoringCase(cs, "DeviceId")).isEqualTo("dev 1");
        assertThat(ConnectionStrings.attributeIgnoringCase(cs, "ModuleId")).isNull();
    }
}
