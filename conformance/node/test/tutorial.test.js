'use strict';
// The tutorial the way its Node users write it: Client.fromConnectionString(cs, transport) for each device
// transport (Mqtt, MqttWs, Amqp, AmqpWs; the WebSocket ones on 443), on('message') + complete on the device; azure-iothub Client.send with messageId, correlationId, contentType, ack 'full'
// and an application property, and getFeedbackReceiver seeing Success for each message.
const test = require('node:test');
const crypto = require('node:crypto');
const assert = require('node:assert/strict');
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt, MqttWs } = require('azure-iot-device-mqtt');
const { Amqp, AmqpWs } = require('azure-iot-device-amqp');
const { Client: ServiceClient } = require('azure-iothub');
const { Message } = require('azure-iot-common');
const { serviceConnectionString, newDevice, collector } = require('../lib/helpers');

const PLAIN_IDS = [0, 1].map((i) => ({ messageId: `node-message-${i}`, correlationId: `node-correlation-${i}` }));
// azure-iothub sends an id that looks like a UUID as an AMQP uuid, not a string: it must come back as the same text.
const UUID_IDS = [0, 1].map(() => ({ messageId: crypto.randomUUID(), correlationId: crypto.randomUUID() }));

for (const [name, ids] of [['string ids', PLAIN_IDS], ['UUID ids', UUID_IDS]]) {
  test(`device receives every property the back end sets, and the back end gets Success feedback (${name})`,
    { timeout: 120000 }, (t) => tutorial(t, ids, Mqtt));
}

for (const transport of [MqttWs, Amqp, AmqpWs]) {
  test(`the tutorial over ${transport.name}: every property, and Success feedback`,
    { timeout: 120000 }, (t) => tutorial(t, PLAIN_IDS.map((id) => ({
      messageId: `${id.messageId}-${transport.name}`, correlationId: id.correlationId })), transport));
}

async function tutorial(t, ids, transport) {
  const { deviceId, connectionString } = await newDevice(t, 'tutorial');

  const device = DeviceClient.fromConnectionString(connectionString, transport);
  const received = collector(ids.length, 'C2D messages on the device');
  device.on('message', (msg) => {
    console.log('device received', msg.messageId, msg.properties.propertyList, msg.data.toString());
    received.push(msg);
    device.complete(msg, (err) => assert.ifError(err));
  });
  await device.open();
  const service = ServiceClient.fromConnectionString(serviceConnectionString());
  try {
    await service.open();
    await sendAndCheck(deviceId, service, received, ids);
  } finally {
    // before newDevice's t.after deletes the device, which would make the hub drop it
    await service.close();
    await device.close();
  }
}

async function sendAndCheck(deviceId, service, received, ids) {
  const feedback = collector(ids.length, 'feedback records for this device');
  const receiver = await new Promise((resolve, reject) => {
    service.getFeedbackReceiver((err, r) => (err ? reject(err) : resolve(r)));
  });
  receiver.on('message', (msg) => {
    for (const record of JSON.parse(msg.data.toString())) {
      if (record.deviceId === deviceId) {
        feedback.push(record);
      }
    }
    receiver.complete(msg, (err) => assert.ifError(err));
  });

  for (const [i, id] of ids.entries()) {
    const message = new Message(JSON.stringify({ message: `message_${i}`, index: i }));
    message.messageId = id.messageId;
    message.correlationId = id.correlationId;
    message.contentType = 'application/json';
    message.ack = 'full';
    message.properties.add('testProperty', `value_${i}`);
    const result = await new Promise((resolve, reject) => {
      service.send(deviceId, message, (err, r) => (err ? reject(err) : resolve(r)));
    });
    assert.equal(result.constructor.name, 'MessageEnqueued');
  }

  const messages = await received.wait();
  messages.forEach((msg, i) => {
    assert.equal(msg.messageId, ids[i].messageId);
    assert.equal(msg.correlationId, ids[i].correlationId);
    assert.equal(msg.contentType, 'application/json');
    assert.equal(msg.properties.getValue('testProperty'), `value_${i}`);
    assert.deepEqual(JSON.parse(msg.data.toString()), { message: `message_${i}`, index: i });
  });

  const records = await feedback.wait();
  assert.deepEqual(records.map((r) => r.originalMessageId).sort(), ids.map((id) => id.messageId).sort());
  for (const record of records) {
    assert.equal(record.statusCode, 'Success');
    assert.equal(record.description, 'Success');
  }
}
