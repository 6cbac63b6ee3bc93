"""The built-in Event Hubs-compatible endpoint, read the way a Python back end reads it: azure-eventhub's
EventHubConsumerClient.from_connection_string with the EVENTHUB_CONNECTION_STRING the standalone printed, on
the SDK's default pure-Python AMQP transport (pyamqp). That transport trusts certifi's bundle, not SSL_CERT_FILE,
so the hub's CA goes in through the SDK's documented option, connection_verify=<CA bundle file>."""
import os
import threading
import uuid

from azure.eventhub import EventHubConsumerClient, TransportType
from azure.iot.device import IoTHubDeviceClient, Message

from conftest import WAIT_SECONDS


def _consumer(transport_type=TransportType.Amqp):
    connection_string = os.environ.get("EVENTHUB_CONNECTION_STRING")
    assert connection_string, "EVENTHUB_CONNECTION_STRING is not set: run the suite through .ci/conformance.sh"
    return EventHubConsumerClient.from_connection_string(connection_string, consumer_group="$Default",
                                                         connection_verify=os.environ["FAKE_HUB_CA_PEM"],
                                                         transport_type=transport_type)


def _send(device_connection_string, *messages):
    client = IoTHubDeviceClient.create_from_connection_string(device_connection_string)
    client.connect()
    try:
        for message in messages:
            client.send_message(message)
    finally:
        client.shutdown()


def _receive(consumer, wanted, **receive_args):
    """Runs consumer.receive until an event whose message id is in `wanted` arrived for each; returns
    {message id: (partition id, event)}, and every message id seen on the way."""
    found, seen, errors, done = {}, [], [], threading.Event()

    def on_event(context, event):
        message_id = (event.system_properties or {}).get(b"message-id")
        seen.append(None if message_id is None else message_id.decode())
        if message_id is not None and message_id.decode() in wanted:
            found[message_id.decode()] = (context.partition_id, event)
            if len(found) == len(wanted):
                done.set()

    def on_error(_, error):
        errors.append(error)
        done.set()

    worker = threading.Thread(target=consumer.receive, daemon=True,
                              kwargs=dict(on_event=on_event, on_error=on_error, **receive_args))
    worker.start()
    try:
        assert done.wait(WAIT_SECONDS), f"received {sorted(found)} of {sorted(wanted)} within {WAIT_SECONDS} s"
    finally:
        consumer.close()
        worker.join(WAIT_SECONDS)
    assert not errors, f"the consumer reported {errors!r}"
    return found, seen


def test_consumer_reads_device_telemetry_with_its_properties(new_device, hub_log):
    device_id, device_connection_string = new_device()
    message_id = f"py-eh-{uuid.uuid4()}"  # unique: the hub keeps the events of earlier runs
    message = Message('{"temperature": 21.5}', message_id=message_id, content_encoding="utf-8",
                      content_type="application/json")
    message.correlation_id = "py-eh-correlation-1"
    message.custom_properties["temperatureAlert"] = "false"
    _send(device_connection_string, message)
    record = hub_log.telemetry(device_id, message_id)

    found, _ = _receive(_consumer(), {message_id}, starting_position="-1")
    _, event = found[message_id]

    assert event.body_as_str() == '{"temperature": 21.5}'
    assert event.properties == {b"temperatureAlert": b"false"}
    system = event.system_properties
    assert system[b"correlation-id"] == b"py-eh-correlation-1"
    assert system[b"content-type"] == b"application/json"
    assert system[b"content-encoding"] == b"utf-8"
    assert system[b"iothub-connection-device-id"] == device_id.encode()
    assert system[b"iothub-message-source"] == b"Telemetry"
    assert b"iothub-connection-auth-method" in system and b"iothub-connection-auth-generation-id" in system
    assert record["correlationId"] == "py-eh-correlation-1"  # the hub's own record agrees
    assert event.sequence_number >= 0 and event.offset is not None and event.enqueued_time is not None


def test_partition_properties_and_a_start_after_a_sequence_number(new_device):
    _, device_connection_string = new_device()
    first_id, second_id = f"py-eh-first-{uuid.uuid4()}", f"py-eh-second-{uuid.uuid4()}"
    _send(device_connection_string, Message("first", message_id=first_id), Message("second", message_id=second_id))
    both, _ = _receive(_consumer(), {first_id, second_id}, starting_position="-1")
    (partition_id, first), (second_partition_id, second) = both[first_id], both[second_id]
    assert second_partition_id == partition_id, "a device always lands in the same partition"
    assert second.sequence_number > first.sequence_number, "events of one device keep their order"

    consumer = _consumer()
    try:
        properties = consumer.get_eventhub_properties()
        partition = consumer.get_partition_properties(partition_id)
    finally:
        consumer.close()
    assert properties["partition_ids"] == ["0", "1", "2", "3"]  # the standalone's default: 4, like a new hub
    assert partition["eventhub_name"] == properties["eventhub_name"]
    assert partition["id"] == partition_id
    assert partition["beginning_sequence_number"] <= first.sequence_number
    assert partition["last_enqueued_sequence_number"] >= second.sequence_number

    # exclusive: the event after `first` on its partition
    after, seen = _receive(_consumer(), {second_id}, partition_id=partition_id,
                           starting_position=first.sequence_number, starting_position_inclusive=False)
    assert after[second_id][1].sequence_number == second.sequence_number
    assert first_id not in seen, f"an exclusive start delivered the event it starts after: {seen}"


def test_consumer_reads_over_websockets(new_device):
    # AMQP over WebSockets on 443, as behind a firewall that only lets HTTPS out (needs websocket-client).
    device_id, device_connection_string = new_device()
    message_id = f"py-eh-ws-{uuid.uuid4()}"
    _send(device_connection_string, Message("over websockets", message_id=message_id))

    found, _ = _receive(_consumer(TransportType.AmqpOverWebsocket), {message_id}, starting_position="-1")

    _, event = found[message_id]
    assert event.body_as_str() == "over websockets"
    assert event.system_properties[b"iothub-connection-device-id"] == device_id.encode()
