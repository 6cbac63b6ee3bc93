"""The tutorial's back end in Python: sends two cloud-to-device messages with a message id, a correlation id,
the content type application/json and an application property. Trust the fake's CA with SSL_CERT_FILE (AMQP)
and REQUESTS_CA_BUNDLE (the registry's HTTP client); see the README."""
import json
import os

from azure.iot.hub import IoTHubRegistryManager


def main():
    registry_manager = IoTHubRegistryManager(os.environ["IOTHUB_CONNECTION_STRING"])
    device_id = os.environ["IOTHUB_DEVICE_ID"]
    for i in range(2):
        data = json.dumps({"service client sent a message": 10.0 + i})
        properties = {
            "messageId": f"message_{i}",
            "correlationId": f"correlation_{i}",
            "contentType": "application/json",
            "testProperty": f"PropMsg_{i}",
        }
        registry_manager.send_c2d_message(device_id, data, properties=properties)
        print(f"Sent message_{i} to {device_id}", flush=True)


if __name__ == "__main__":
    main()
