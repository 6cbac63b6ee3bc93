package io.github.iothubkit.fakehub.mqtt;

import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.fault.ConnectRefusal;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;

/** The CONNACK codes MQTT answers for the hub's transport-neutral refusals. */
final class MqttCodes {

    private MqttCodes() {
    }

    static MqttConnectReturnCode connAck(ConnectRefusal refusal) {
        return switch (refusal) {
            case UNACCEPTABLE_PROTOCOL_VERSION -> MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION;
            case IDENTIFIER_REJECTED -> MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            case SERVER_UNAVAILABLE -> MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
            case BAD_USER_NAME_OR_PASSWORD -> MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            case NOT_AUTHORIZED -> MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
        };
    }

    /** A failed authentication: 5 when the device may not connect at all, 4 for bad credentials. */
    static MqttConnectReturnCode connAck(HubAuthenticator.Refusal refusal) {
        return refusal == HubAuthenticator.Refusal.NOT_AUTHORIZED
                ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED
                : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
    }
}
