"""Telemetry with application properties, content type and encoding; the hub records it exactly."""
import base64

from azure.iot.device import IoTHubDeviceClient, Message


def test_hub_records_properties_content_type_and_encoding(new_device, hub_log):
    device_id, device_connection_string = new_device()
    body = '{"temperature": 21.5, "unit": "°C"}'
    message = Message(body, message_id="py-telemetry-1", content_encoding="utf-8",
                      content_type="application/json")
    message.correlation_id = "py-correlation-1"
    message.custom_properties["temperatureAlert"] = "false"
    message.custom_properties["note"] = "a&b=c/d ü%20"  # characters the MQTT property bag must escape

    client = IoTHubDeviceClient.create_from_connection_string(device_connection_string)
    client.connect()
    try:
        client.send_message(message)
    finally:
        client.shutdown()

    record = hub_log.telemetry(device_id, "py-telemetry-1")
    assert record["correlationId"] == "py-correlation-1"
    assert record["contentType"] == "application/json"
    assert record["contentEncoding"] == "utf-8"
    assert record["properties"] == {"temperatureAlert": "false", "note": "a&b=c/d ü%20"}
    assert base64.b64decode(record["body"]) == body.encode("utf-8")
