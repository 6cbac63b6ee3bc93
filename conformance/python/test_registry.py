"""Registry CRUD through IoTHubRegistryManager (HTTPS on 443); a disabled device is refused."""
import base64
import os

import pytest
from azure.iot.device import IoTHubDeviceClient
from azure.iot.device.exceptions import CredentialError
from msrest.exceptions import HttpOperationError


def test_create_get_disable_delete(registry, hub_host):
    device_id = "py-registry-" + os.urandom(4).hex()
    primary = base64.b64encode(os.urandom(32)).decode()
    secondary = base64.b64encode(os.urandom(32)).decode()
    device_connection_string = f"HostName={hub_host};DeviceId={device_id};SharedAccessKey={primary}"

    created = registry.create_device_with_sas(device_id, primary, secondary, "enabled")
    try:
        assert created.device_id == device_id
        assert created.status == "enabled"
        assert created.authentication.symmetric_key.primary_key == primary
        assert created.authentication.symmetric_key.secondary_key == secondary

        fetched = registry.get_device(device_id)
        assert fetched.device_id == device_id
        assert fetched.status == "enabled"
        assert fetched.connection_state == "Disconnected"
        assert fetched.etag

        enabled = IoTHubDeviceClient.create_from_connection_string(device_connection_string)
        enabled.connect()  # the enabled device gets in ...
        enabled.shutdown()

        updated = registry.update_device_with_sas(device_id, fetched.etag, primary, secondary, "disabled")
        assert updated.status == "disabled"
        assert registry.get_device(device_id).status == "disabled"

        disabled = IoTHubDeviceClient.create_from_connection_string(device_connection_string)
        try:
            with pytest.raises(CredentialError):  # ... the disabled one is refused
                disabled.connect()
        finally:
            disabled.shutdown()
    finally:
        registry.delete_device(device_id)

    with pytest.raises(HttpOperationError) as gone:
        registry.get_device(device_id)
    assert gone.value.response.status_code == 404
