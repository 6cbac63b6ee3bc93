'use strict';
// A wrong key is refused, with the error each Node SDK maps to unauthorized.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Client: ServiceClient, Registry } = require('azure-iothub');
const { Message } = require('azure-iot-common');
const { serviceConnectionString, wrongKey, newDevice } = require('../lib/helpers');

test('a device with a wrong key is refused with UnauthorizedError', { timeout: 60000 }, async (t) => {
  const { connectionString } = await newDevice(t, 'badkey');
  const device = DeviceClient.fromConnectionString(wrongKey(connectionString), Mqtt);
  // Node maps a TLS failure to UnauthorizedError too: the transport error says it was the CONNACK.
  await assert.rejects(device.open(), (err) => err.constructor.name === 'UnauthorizedError'
    && /Connection refused/.test(err.transportError.message));
  await device.close();
});

test('the registry with a wrong key gets UnauthorizedError (401)', { timeout: 60000 }, async () => {
  const registry = Registry.fromConnectionString(wrongKey(serviceConnectionString()));
  await assert.rejects(registry.get('any-device'),
    (err) => err.constructor.name === 'UnauthorizedError' && err.response.statusCode === 401);
});

test('a C2D message to an unknown device gets DeviceNotFoundError', { timeout: 60000 }, async () => {
  const service = ServiceClient.fromConnectionString(serviceConnectionString());
  await service.open();
  try {
    const message = new Message('never delivered');
    message.messageId = 'node-unknown-device';
    await assert.rejects(new Promise((resolve, reject) => {
      service.send('node-no-such-device', message, (err, result) => (err ? reject(err) : resolve(result)));
    }), (err) => err.constructor.name === 'DeviceNotFoundError' && err.amqpError.condition === 'amqp:not-found');
  } finally {
    await service.close();
  }
});

test('the service client with a wrong key cannot connect: CBS answers UnauthorizedError', { timeout: 60000 }, async () => {
  const service = ServiceClient.fromConnectionString(wrongKey(serviceConnectionString()));
  await assert.rejects(service.open(), (err) => err.amqpError && err.amqpError.constructor.name === 'UnauthorizedError');
  await service.close();
});
