'use strict';
// The tutorial the way its Node users write it: Client.fromConnectionString(cs, Mqtt), on('message') +
// complete on the device; azure-iothub Client.send with messageId, correlationId, contentType, ack 'full'
// and an application property, and getFeedbackReceiver seeing Success for each message.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Client: ServiceClient } = require('azure-iothub');
const { Message } = require('azure-iot-common');
const { serviceConnectionString, newDevice, collector } = require('../lib/helpers');

test('device receives every property the back end sets, and the back end gets Success feedback', { timeout: 120000 },
  async (t) => {
    const { deviceId, connectionString } = await newDevice(t, 'tutorial');

    const device = DeviceClient.fromConnectionString(connectionString, Mqtt);
    const received = collector(2, 'C2D messages on the device');
    device.on('message', (msg) => {
      console.log('device received', msg.messageId, msg.properties.propertyList, msg.data.toString());
      received.push(msg);
      device.complete(msg, (err) => assert.ifError(err));
    });
    await device.open();
    t.after(() => device.close());

    const service = ServiceClient.fromConnectionString(serviceConnectionString());
    await service.open();
    t.after(() => service.close());
    const feedback = collector(2, 'feedback records for this device');
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

    for (let i = 0; i < 2; i++) {
      const message = new Message(JSON.stringify({ message: `message_${i}`, index: i }));
      message.messageId = `node-message-${i}`;
      message.correlationId = `node-correlation-${i}`;
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
      assert.equal(msg.messageId, `node-message-${i}`);
      assert.equal(msg.correlationId, `node-correlation-${i}`);
      assert.equal(msg.contentType, 'application/json');
      assert.equal(msg.properties.getValue('testProperty'), `value_${i}`);
      assert.deepEqual(JSON.parse(msg.data.toString()), { message: `message_${i}`, index: i });
    });

    const records = await feedback.wait();
    assert.deepEqual(records.map((r) => r.originalMessageId).sort(), ['node-message-0', 'node-message-1']);
    for (const record of records) {
      assert.equal(record.statusCode, 'Success');
      assert.equal(record.description, 'Success');
    }
  });
