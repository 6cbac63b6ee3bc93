"""The tutorial the way its Python users write it: IoTHubDeviceClient.create_from_connection_string and
receive_message() printing vars(message) on the device; IoTHubRegistryManager.send_c2d_message with
system and application properties on the back end. The first scenario runs over MQTT on 8883 and over MQTT on
WebSockets on 443 (websockets=True, what a device behind a corporate proxy sets)."""
import json
import queue

from azure.iot.device import IoTHubDeviceClient

from conftest import WAIT_SECONDS


def test_device_receives_every_property_the_back_end_sets(new_device, registry):
    tutorial(new_device, registry, websockets=False)


def test_the_tutorial_over_mqtt_on_websockets(new_device, registry):
    # device ids come from the test's name, so no parametrize (its [..] is not allowed in a device id)
    tutorial(new_device, registry, websockets=True)


def tutorial(new_device, registry, websockets):
    device_id, device_connection_string = new_device()
    client = IoTHubDeviceClient.create_from_connection_string(device_connection_string, websockets=websockets)
    client.connect()
    try:
        for i in range(2):
            data = json.dumps({"message": f"message_{i}", "index": i})
            registry.send_c2d_message(device_id, data, properties={
                "messageId": f"message_{i}",
                "correlationId": f"correlation_{i}",
                "contentType": "application/json",
                "testProperty": f"value_{i}",
            })
        received = []
        for _ in range(2):
            message = client.receive_message(timeout=WAIT_SECONDS)
            assert message is not None, f"the device received {len(received)} of 2 messages"
            print(vars(message))  # what the tutorial's device prints
            received.append(message)
    finally:
        client.shutdown()

    for i, message in enumerate(received):
        assert message.message_id == f"message_{i}"
        assert message.correlation_id == f"correlation_{i}"
        assert message.content_type == "application/json"
        assert message.custom_properties == {"testProperty": f"value_{i}"}
        assert json.loads(message.data) == {"message": f"message_{i}", "index": i}


def test_reserved_characters_survive_in_every_property(new_device, registry):
    # The hub percent-encodes the MQTT property bag; the SDK must read back exactly what the back end sent.
    device_id, device_connection_string = new_device()
    odd = "a&b=c/d ü %+?#"
    client = IoTHubDeviceClient.create_from_connection_string(device_connection_string)
    client.connect()
    try:
        registry.send_c2d_message(device_id, "x", properties={
            "messageId": "id&1 +", "correlationId": "c/2?", "contentType": "text/plain; charset=utf-8",
            "contentEncoding": "utf-8", "odd-key.$": odd})
        message = client.receive_message(timeout=WAIT_SECONDS)
    finally:
        client.shutdown()
    assert message is not None, "the device received nothing"
    assert message.message_id == "id&1 +"
    assert message.correlation_id == "c/2?"
    assert message.content_type == "text/plain; charset=utf-8"
    assert message.content_encoding == "utf-8"
    assert message.custom_properties == {"odd-key.$": odd}


def test_the_handler_style_device_gets_messages_queued_while_it_was_offline(new_device, registry):
    # The SDK's current style (on_message_received); the messages wait in the hub until the device subscribes.
    device_id, device_connection_string = new_device()
    for i in range(2):
        registry.send_c2d_message(device_id, f"queued {i}", properties={"messageId": f"queued_{i}"})
    received = queue.Queue()
    client = IoTHubDeviceClient.create_from_connection_string(device_connection_string)
    client.on_message_received = received.put
    try:
        client.connect()
        messages = [received.get(timeout=WAIT_SECONDS) for _ in range(2)]
    finally:
        client.shutdown()
    assert [m.message_id for m in messages] == ["queued_0", "queued_1"]
    assert [m.data for m in messages] == [b"queued 0", b"queued 1"]
