"""The Python device SDK's documented trust option, server_verification_cert, alone (it replaces the default
trust store, so SSL_CERT_FILE plays no part): the other documented way to point an unchanged app at the hub."""
import os

from azure.iot.device import IoTHubDeviceClient


def test_device_trusts_the_hub_through_server_verification_cert(new_device):
    _, device_connection_string = new_device()
    with open(os.environ["FAKE_HUB_CA_PEM"], encoding="ascii") as pem:
        client = IoTHubDeviceClient.create_from_connection_string(
            device_connection_string, server_verification_cert=pem.read())
    try:
        client.connect()
        assert client.connected
    finally:
        client.shutdown()
