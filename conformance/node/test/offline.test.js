'use strict';
// Messages sent while the device is offline wait in the hub and arrive, in order, once it connects.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Client: ServiceClient } = require('azure-iothub');
const { Message } = require('azure-iot-common');
const { serviceConnectionString, newDevice, collector } = require('../lib/helpers');

test('messages queued while the device was offline arrive in order when it connects', { timeout: 60000 }, async (t) => {
  const { deviceId, connectionString } = await newDevice(t, 'offline');
  const service = ServiceClient.fromConnectionString(serviceConnectionString());
  await service.open();
  try {
    for (let i = 0; i < 2; i++) {
      const message = new Message(`queued ${i}`);
      message.messageId = `queued_${i}`;
      await new Promise((resolve, reject) => {
        service.send(deviceId, message, (err, r) => (err ? reject(err) : resolve(r)));
      });
    }
  } finally {
    await service.close();
  }

  const device = DeviceClient.fromConnectionString(connectionString, Mqtt);
  const received = collector(2, 'queued C2D messages on the device');
  device.on('message', (msg) => {
    received.push(msg);
    device.complete(msg, (err) => assert.ifError(err));
  });
  await device.open();
  try {
    const messages = await received.wait();
    assert.deepEqual(messages.map((m) => m.messageId), ['queued_0', 'queued_1']);
    assert.deepEqual(messages.map((m) => m.data.toString()), ['queued 0', 'queued 1']);
  } finally {
    await device.close();
  }
});
