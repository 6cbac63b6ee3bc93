"""The tutorial's device in Python, written as its users write it: prints every cloud-to-device message with
all its properties (vars(message)) and a running count, until Ctrl-C. Only the connection string differs
between Azure and the fake hub; trust the fake's CA with SSL_CERT_FILE (see the README)."""
import os

from azure.iot.device import IoTHubDeviceClient


def main():
    client = IoTHubDeviceClient.create_from_connection_string(os.environ["IOTHUB_DEVICE_CONNECTION_STRING"])
    client.connect()
    print("Waiting for C2D messages, press Ctrl-C to exit", flush=True)
    received = 0
    try:
        while True:
            message = client.receive_message()
            received += 1
            print("Message received:")
            for item in vars(message).items():
                print(f"    {item}")
            print(f"Total calls received: {received}", flush=True)
    except KeyboardInterrupt:
        print("Device stopped")
    finally:
        client.shutdown()


if __name__ == "__main__":
    main()
