"""Device twins and direct methods through the Python SDKs: reported properties reach the service, desired
properties reach the device, a method round trip, and a method to an offline device gets 404."""
import queue

import pytest
from azure.iot.device import IoTHubDeviceClient, MethodResponse
from azure.iot.hub.models import CloudToDeviceMethod, Twin, TwinProperties
from msrest.exceptions import HttpOperationError

from conftest import WAIT_SECONDS


def test_reported_reaches_the_service_and_desired_reaches_the_device(new_device, registry):
    device_id, device_connection_string = new_device()
    patches = queue.Queue()
    client = IoTHubDeviceClient.create_from_connection_string(device_connection_string)
    client.on_twin_desired_properties_patch_received = patches.put
    client.connect()
    try:
        assert client.get_twin()["reported"]["$version"] == 1
        client.patch_twin_reported_properties({"firmware": "1.2", "battery": {"level": 87}})

        twin = registry.get_twin(device_id)
        assert twin.properties.reported["firmware"] == "1.2"
        assert twin.properties.reported["battery"] == {"level": 87}
        assert twin.properties.reported["$version"] == 2

        updated = registry.update_twin(device_id, Twin(properties=TwinProperties(desired={"interval": 30})), twin.etag)
        assert updated.properties.desired["interval"] == 30
        # On connect the SDK fetches the twin and hands its desired section over as a patch of its own
        # ({'$version': 1} here); the hub's patch follows.
        patch = patches.get(timeout=WAIT_SECONDS)
        while "interval" not in patch:
            patch = patches.get(timeout=WAIT_SECONDS)
        assert patch["interval"] == 30
        assert patch["$version"] == updated.properties.desired["$version"]
    finally:
        client.shutdown()


def test_a_direct_method_round_trip(new_device, registry):
    device_id, device_connection_string = new_device()
    client = IoTHubDeviceClient.create_from_connection_string(device_connection_string)

    def on_method(request):
        payload = {"rebooted": request.name == "reboot", "echo": request.payload}
        client.send_method_response(MethodResponse.create_from_method_request(request, 200, payload))

    client.on_method_request_received = on_method
    client.connect()
    try:
        result = registry.invoke_device_method(device_id, CloudToDeviceMethod(
            method_name="reboot", payload={"delay": 1}, response_timeout_in_seconds=WAIT_SECONDS))
    finally:
        client.shutdown()
    assert result.status == 200
    assert result.payload == {"rebooted": True, "echo": {"delay": 1}}


def test_a_method_for_an_offline_device_gets_404(new_device, registry):
    device_id, _ = new_device()
    with pytest.raises(HttpOperationError) as offline:
        registry.invoke_device_method(device_id, CloudToDeviceMethod(
            method_name="reboot", payload={}, response_timeout_in_seconds=5, connect_timeout_in_seconds=0))
    assert offline.value.response.status_code == 404
