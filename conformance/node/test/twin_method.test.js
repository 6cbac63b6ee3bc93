'use strict';
// Device twins and direct methods through the Node SDKs: reported properties reach the service, desired
// properties reach the device, a method round trip, and a method to an offline device gets 404.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Client: ServiceClient, Registry } = require('azure-iothub');
const { WAIT_MS, serviceConnectionString, newDevice, collector } = require('../lib/helpers');

test('reported properties reach the service and desired properties reach the device', { timeout: 60000 }, async (t) => {
  const { deviceId, connectionString } = await newDevice(t, 'twin');
  const registry = Registry.fromConnectionString(serviceConnectionString());
  const device = DeviceClient.fromConnectionString(connectionString, Mqtt);
  await device.open();
  try {
    const twin = await device.getTwin();
    const desired = collector(1, 'desired patches with interval');
    twin.on('properties.desired', (patch) => {
      if (patch.interval !== undefined) {
        desired.push(patch);
      }
    });
    await new Promise((resolve, reject) => {
      twin.properties.reported.update({ firmware: '1.2', battery: { level: 87 } }, (err) => (err ? reject(err) : resolve()));
    });

    const { responseBody: serviceTwin } = await registry.getTwin(deviceId);
    assert.equal(serviceTwin.properties.reported.firmware, '1.2');
    assert.deepEqual(serviceTwin.properties.reported.battery, { level: 87 });

    const { responseBody: updated } = await registry.updateTwin(deviceId,
      { properties: { desired: { interval: 30 } } }, serviceTwin.etag);
    assert.equal(updated.properties.desired.interval, 30);
    const [patch] = await desired.wait();
    assert.equal(patch.interval, 30);
    assert.equal(patch.$version, updated.properties.desired.$version);
  } finally {
    await device.close();
  }
});

test('a direct method round trip', { timeout: 60000 }, async (t) => {
  const { deviceId, connectionString } = await newDevice(t, 'method');
  const device = DeviceClient.fromConnectionString(connectionString, Mqtt);
  await device.open();
  device.onDeviceMethod('reboot', (request, response) => {
    response.send(200, { rebooted: true, echo: request.payload }, (err) => assert.ifError(err));
  });
  const service = ServiceClient.fromConnectionString(serviceConnectionString());
  try {
    const { result } = await service.invokeDeviceMethod(deviceId,
      { methodName: 'reboot', payload: { delay: 1 }, responseTimeoutInSeconds: WAIT_MS / 1000 });
    assert.equal(result.status, 200);
    assert.deepEqual(result.payload, { rebooted: true, echo: { delay: 1 } });
  } finally {
    await service.close();
    await device.close();
  }
});

test('a method for an offline device gets 404', { timeout: 60000 }, async (t) => {
  const { deviceId } = await newDevice(t, 'offline-method');
  const service = ServiceClient.fromConnectionString(serviceConnectionString());
  try {
    await assert.rejects(service.invokeDeviceMethod(deviceId,
      { methodName: 'reboot', payload: {}, responseTimeoutInSeconds: 5, connectTimeoutInSeconds: 0 }),
    (err) => err.response.statusCode === 404);
  } finally {
    await service.close();
  }
});
