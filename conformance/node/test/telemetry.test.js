'use strict';
// Telemetry with application properties, content type and encoding; the hub records it exactly.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Client: DeviceClient, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { newDevice, recordedTelemetry } = require('../lib/helpers');

test('the hub records properties, content type and content encoding exactly', { timeout: 120000 }, async (t) => {
  const { deviceId, connectionString } = await newDevice(t, 'telemetry');
  const body = JSON.stringify({ temperature: 21.5, unit: '°C' });
  const message = new Message(body);
  message.messageId = 'node-telemetry-1';
  message.correlationId = 'node-correlation-1';
  message.contentType = 'application/json';
  message.contentEncoding = 'utf-8';
  message.properties.add('temperatureAlert', 'false');
  message.properties.add('note', 'a&b=c/d ü%20'); // characters the MQTT property bag must escape

  const device = DeviceClient.fromConnectionString(connectionString, Mqtt);
  await device.open();
  try {
    await device.sendEvent(message);
  } finally {
    await device.close();
  }

  const record = await recordedTelemetry(deviceId, 'node-telemetry-1');
  assert.equal(record.correlationId, 'node-correlation-1');
  assert.equal(record.contentType, 'application/json');
  assert.equal(record.contentEncoding, 'utf-8');
  assert.deepEqual(record.properties, { temperatureAlert: 'false', note: 'a&b=c/d ü%20' });
  assert.deepEqual(Buffer.from(record.body, 'base64'), Buffer.from(body, 'utf8'));
});
