"""Fixtures for the Python conformance scenarios.

The suite talks to the hub only through the Azure SDKs and the variables a user would have: the
service connection string the standalone hub printed, and its CA through SSL_CERT_FILE (device and
uamqp) and REQUESTS_CA_BUNDLE (the registry's HTTP client). The one non-SDK surface is the hub's own
log (FAKE_HUB_LOG), where the standalone writes each telemetry message it recorded.
"""
import base64
import json
import os
import time
import uuid

import pytest
from azure.iot.hub import IoTHubRegistryManager

WAIT_SECONDS = 30


def _required(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run the suite through .ci/conformance.sh", returncode=2)
    return value


def connection_string_value(connection_string, key):
    parts = dict(p.split("=", 1) for p in connection_string.split(";") if p)
    return parts[key]


@pytest.fixture(scope="session")
def service_connection_string():
    return _required("IOTHUB_CONNECTION_STRING")


@pytest.fixture(scope="session")
def hub_host(service_connection_string):
    return connection_string_value(service_connection_string, "HostName")


@pytest.fixture
def registry(service_connection_string):
    manager = IoTHubRegistryManager(service_connection_string)
    yield manager
    manager.amqp_svc_client.disconnect_sync()


@pytest.fixture
def new_device(registry, hub_host, request):
    """Registers devices through the SDK's registry manager; returns (device_id, device connection string)."""
    created = []

    def create(status="enabled"):
        device_id = f"py-{request.node.name}-{uuid.uuid4().hex[:8]}".replace("_", "-")
        primary = base64.b64encode(os.urandom(32)).decode()
        secondary = base64.b64encode(os.urandom(32)).decode()
        registry.create_device_with_sas(device_id, primary, secondary, status)
        created.append(device_id)
        return device_id, f"HostName={hub_host};DeviceId={device_id};SharedAccessKey={primary}"

    yield create
    for device_id in created:
        try:
            registry.delete_device(device_id)
        except Exception:  # already deleted by the test
            pass


@pytest.fixture(scope="session")
def hub_log():
    return HubLog(_required("FAKE_HUB_LOG"))


class HubLog:
    """The standalone hub's stderr: `Telemetry {json}` lines, one per message it recorded."""

    def __init__(self, path):
        self.path = path

    def telemetry(self, device_id, message_id):
        """Waits (polling the other process's log file) for the hub's record of one message."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            for record in self._records():
                if record["deviceId"] == device_id and record["messageId"] == message_id:
                    return record
            if time.monotonic() > deadline:
                seen = [r["messageId"] for r in self._records() if r["deviceId"] == device_id]
                raise AssertionError(
                    f"the hub recorded no telemetry {message_id!r} from {device_id!r} within "
                    f"{WAIT_SECONDS} s; from that device it recorded {seen}")
            time.sleep(0.1)

    def _records(self):
        with open(self.path, encoding="utf-8", errors="replace") as log:
            for line in log:
                marker = line.find(" Telemetry {")
                if marker >= 0:
                    yield json.loads(line[marker + len(" Telemetry "):])
