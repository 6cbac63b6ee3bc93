'use strict';
// Reserved characters in every C2D property: the hub percent-encodes the MQTT property bag, and the Node
// device SDK must read back exactly what azure-iothub sent.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Client: ServiceClient } = require('azure-iothub');
const { Message } = require('azure-iot-common');
const { serviceConnectionString, newDevice, collector } = require('../lib/helpers');

test('reserved characters survive in every property', { timeout: 60000 }, async (t) => {
  const { deviceId, connectionString } = await newDevice(t, 'properties');
  const odd = 'a&b=c/d ü %+?#';
  const device = DeviceClient.fromConnectionString(connectionString, Mqtt);
  const received = collector(1, 'C2D messages on the device');
  device.on('message', (msg) => {
    received.push(msg);
    device.complete(msg, (err) => assert.ifError(err));
  });
  await device.open();
  const service = ServiceClient.fromConnectionString(serviceConnectionString());
  try {
    await service.open();
    const message = new Message('x');
    message.messageId = 'id&1 +';
    message.correlationId = 'c/2?';
    message.contentType = 'text/plain; charset=utf-8';
    message.contentEncoding = 'utf-8';
    message.properties.add('odd-key.$', odd);
    await new Promise((resolve, reject) => {
      service.send(deviceId, message, (err, r) => (err ? reject(err) : resolve(r)));
    });
    const [msg] = await received.wait();
    assert.equal(msg.messageId, 'id&1 +');
    assert.equal(msg.correlationId, 'c/2?');
    assert.equal(msg.contentType, 'text/plain; charset=utf-8');
    assert.equal(msg.contentEncoding, 'utf-8');
    assert.equal(msg.properties.getValue('odd-key.$'), odd);
  } finally {
    await service.close();
    await device.close();
  }
});
