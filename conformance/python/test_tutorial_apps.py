"""The README's three-terminal tutorial in Python: tutorial/device.py and tutorial/service.py as their own
processes, configured only by environment variables, exactly as the README runs them."""
import os
import queue
import signal
import subprocess
import sys
import threading
import time

from conftest import WAIT_SECONDS

HERE = os.path.dirname(os.path.abspath(__file__))


def test_device_app_prints_both_messages_the_service_app_sends(new_device):
    device_id, device_connection_string = new_device()
    device = subprocess.Popen(
        [sys.executable, "-u", os.path.join(HERE, "tutorial", "device.py")],
        env={**os.environ, "IOTHUB_DEVICE_CONNECTION_STRING": device_connection_string},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in device.stdout], daemon=True).start()
    printed = []
    try:
        service = subprocess.run(
            [sys.executable, os.path.join(HERE, "tutorial", "service.py")],
            env={**os.environ, "IOTHUB_DEVICE_ID": device_id},
            capture_output=True, text=True, timeout=WAIT_SECONDS)
        assert service.returncode == 0, service.stdout + service.stderr
        assert "Sent message_1" in service.stdout

        deadline = time.monotonic() + WAIT_SECONDS
        while "Total calls received: 2\n" not in printed:
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the device app printed:\n" + "".join(printed)
            try:
                printed.append(lines.get(timeout=remaining))
            except queue.Empty:
                pass
    finally:
        device.send_signal(signal.SIGINT)
        try:
            device.wait(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            device.kill()
    output = "".join(printed)
    print(output)
    for i in range(2):
        assert f"('message_id', 'message_{i}')" in output
        assert f"('correlation_id', 'correlation_{i}')" in output
        assert f"('custom_properties', {{'testProperty': 'PropMsg_{i}'}})" in output
    assert output.count("('content_type', 'application/json')") == 2
