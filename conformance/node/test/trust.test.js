'use strict';
// The Node device SDK's documented trust option, setOptions({ ca }): with `ca` given, Node's TLS uses only it
// (not the default store that NODE_EXTRA_CA_CERTS extends), so this proves the option alone.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { newDevice } = require('../lib/helpers');

test('the device trusts the hub through setOptions({ ca })', { timeout: 60000 }, async (t) => {
  const { connectionString } = await newDevice(t, 'trust');
  const device = DeviceClient.fromConnectionString(connectionString, Mqtt);
  await device.setOptions({ ca: fs.readFileSync(process.env.FAKE_HUB_CA_PEM, 'ascii') });
  const connected = await device.open();
  try {
    assert.equal(connected.constructor.name, 'Connected');
  } finally {
    await device.close();
  }
});
