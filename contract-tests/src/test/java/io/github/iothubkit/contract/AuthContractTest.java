package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import io.github.iothubkit.contract.clients.C2dSender;
import io.github.iothubkit.contract.clients.RawMqttDevice;
import io.github.iothubkit.contract.target.HubExtension;
import io.github.iothubkit.contract.target.HubUnderTest;
import io.github.iothubkit.contract.target.Sas;
import io.github.iothubkit.contract.target.TestDevice;
import io.github.iothubkit.contract.target.TestDevices;
import io.github.iothubkit.deviceapp.DeviceApp;
import io.github.iothubkit.deviceapp.DeviceAppException;
import io.github.iothubkit.serviceapp.ServiceApp;
import io.github.iothubkit.serviceapp.ServiceAppException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Wrong credentials, as the apps and a raw client see them. For a refused MQTT CONNECT both codes 4 (bad
 * user name or password) and 5 (not authorized) are accepted: which one IoT Hub answers for which mistake is
 * not documented, and the device SDK maps both to UNAUTHORIZED.
 */
@ExtendWith(HubExtension.class)
class AuthContractTest {

    @Test
    void theDeviceAppReportsUnauthorizedForAWrongDeviceKey(HubUnderTest hub, TestDevices devices) {
        TestDevice device = devices.create("badkey");
        DeviceApp app = new DeviceApp(DeviceApp.Config.of(device.connectionStringWithWrongKey())
                .withSslContext(hub.sslContext()).withOutput(quiet()));
        assertThatThrownBy(app::start).isInstanceOfSatisfying(DeviceAppException.class,
                e -> assertThat(e.kind()).isEqualTo(DeviceAppException.Kind.UNAUTHORIZED));
        app.close();
    }

    @Test
    void refusesTheMqttConnectOfAWrongKeyAndOfAnUnknownDevice(HubUnderTest hub, TestDevices devices) {
        TestDevice device = devices.create("badkey-raw");
        assertConnectRefused(RawMqttDevice.withKey(hub, device.deviceId(), Sas.randomKey()));
        assertConnectRefused(RawMqttDevice.withKey(hub, "contract-ghost-" + UUID.randomUUID(), device.primaryKey()));
    }

    @Test
    void refusesAServiceConnectionWithAWrongKeyWithUnauthorized(HubUnderTest hub) {
        String wrong = Sas.withWrongKey(hub.serviceConnectionString());
        assertThatThrownBy(() -> C2dSender.open(hub, wrong)).isInstanceOf(IotHubUnauthorizedException.class);
        ServiceApp app = new ServiceApp(ServiceApp.Config.of(wrong, "any-device").withSslContext(hub.sslContext())
                .withOutput(quiet()));
        assertThatThrownBy(app::run).isInstanceOfSatisfying(ServiceAppException.class,
                e -> assertThat(e.kind()).isEqualTo(ServiceAppException.Kind.UNAUTHORIZED));
    }

    private static void assertConnectRefused(RawMqttDevice device) {
        try (device) {
            assertThatThrownBy(device::connect).isInstanceOfSatisfying(Mqtt3ConnAckException.class,
                    e -> assertThat(e.getMqttMessage().getReturnCode()).isIn(
                            Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD, Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
