"""A wrong key is refused, with the error each Python SDK maps to unauthorized."""
import base64
import os

import pytest
from azure.iot.device import IoTHubDeviceClient
from azure.iot.device.exceptions import CredentialError
from azure.iot.hub import IoTHubRegistryManager
from msrest.exceptions import HttpOperationError
from uamqp.errors import TokenAuthFailure


def wrong_key(connection_string):
    return connection_string.rsplit("SharedAccessKey=", 1)[0] + "SharedAccessKey=" + base64.b64encode(
        os.urandom(32)).decode()


def test_device_with_a_wrong_key_is_refused(new_device):
    _, device_connection_string = new_device()
    client = IoTHubDeviceClient.create_from_connection_string(wrong_key(device_connection_string))
    try:
        with pytest.raises(CredentialError):
            client.connect()
    finally:
        client.shutdown()


def test_registry_with_a_wrong_key_gets_401(service_connection_string):
    registry = IoTHubRegistryManager(wrong_key(service_connection_string))
    with pytest.raises(HttpOperationError) as refused:
        registry.get_device("any-device")
    assert refused.value.response.status_code == 401


def test_c2d_send_with_a_wrong_key_fails_cbs_authentication(new_device, service_connection_string):
    device_id, _ = new_device()
    registry = IoTHubRegistryManager(wrong_key(service_connection_string))
    try:
        with pytest.raises(TokenAuthFailure) as refused:
            registry.send_c2d_message(device_id, "never delivered")
        assert refused.value.status_code == 401
    finally:
        registry.amqp_svc_client.disconnect_sync()


def test_c2d_send_to_an_unknown_device_fails(registry):
    # The SDK turns the hub's amqp:not-found rejection into this generic exception.
    with pytest.raises(Exception, match="C2D message send failure"):
        registry.send_c2d_message("py-no-such-device", "never delivered")
