'use strict';
// A wrong key is refused, with the error each Node SDK maps to unauthorized.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Client: ServiceClient, Registry } = require('azure-iothub');
const { serviceConnectionString, wrongKey, newDevice } = require('../lib/helpers');

test('a device with a wrong key is refused with UnauthorizedError', { timeout: 60000 }, async (t) => {
  const { connectionString } = await newDevice(t, 'badkey');
  const device = DeviceClient.fromConnectionString(wrongKey(connectionString), Mqtt);
  await assert.rejects(device.open(), (err) => err.constructor.name === 'UnauthorizedError');
  await device.close();
});

test('the registry with a wrong key gets UnauthorizedError (401)', { timeout: 60000 }, async () => {
  const registry = Registry.fromConnectionString(wrongKey(serviceConnectionString()));
  await assert.rejects(registry.get('any-device'),
    (err) => err.constructor.name === 'UnauthorizedError' && err.response.statusCode === 401);
});

test('the service client with a wrong key cannot connect: CBS answers UnauthorizedError', { timeout: 60000 }, async () => {
  const service = ServiceClient.fromConnectionString(wrongKey(serviceConnectionString()));
  await assert.rejects(service.open(), (err) => err.amqpError && err.amqpError.constructor.name === 'UnauthorizedError');
  await service.close();
});
