'use strict';
// Registry CRUD through azure-iothub's Registry (HTTPS on 443); a disabled device is refused.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Registry } = require('azure-iothub');
const { serviceConnectionString, hubHost } = require('../lib/helpers');

test('create, get, disable and delete a device; the disabled device is refused', { timeout: 120000 }, async (t) => {
  const registry = Registry.fromConnectionString(serviceConnectionString());
  const deviceId = `node-registry-${crypto.randomBytes(4).toString('hex')}`;

  const { responseBody: created } = await registry.create({ deviceId, status: 'enabled' });
  t.after(() => registry.delete(deviceId).catch(() => { /* deleted below */ }));
  assert.equal(created.deviceId, deviceId);
  assert.equal(created.status, 'enabled');
  const key = created.authentication.symmetricKey.primaryKey;
  assert.ok(key, 'the hub generated a primary key');
  const connectionString = `HostName=${hubHost()};DeviceId=${deviceId};SharedAccessKey=${key}`;

  const { responseBody: fetched } = await registry.get(deviceId);
  assert.equal(fetched.deviceId, deviceId);
  assert.equal(fetched.status, 'enabled');
  assert.equal(fetched.connectionState, 'Disconnected');
  assert.ok(fetched.etag);

  const enabled = DeviceClient.fromConnectionString(connectionString, Mqtt);
  await enabled.open(); // the enabled device gets in ...
  await enabled.close();

  fetched.status = 'disabled';
  const { responseBody: updated } = await registry.update(fetched);
  assert.equal(updated.status, 'disabled');
  assert.equal((await registry.get(deviceId)).responseBody.status, 'disabled');

  const disabled = DeviceClient.fromConnectionString(connectionString, Mqtt);
  await assert.rejects(disabled.open(), (err) => err.constructor.name === 'UnauthorizedError'
    && /Connection refused/.test(err.transportError.message)); // ... the disabled one is not
  await disabled.close();

  await registry.delete(deviceId);
  await assert.rejects(registry.get(deviceId), (err) => err.response.statusCode === 404);
});
