'use strict';
// The built-in Event Hubs-compatible endpoint, read the way a Node back end reads it: @azure/event-hubs'
// EventHubConsumerClient with the EVENTHUB_CONNECTION_STRING the standalone printed; the CA through
// NODE_EXTRA_CA_CERTS, as for the IoT SDKs.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { EventHubConsumerClient, earliestEventPosition } = require('@azure/event-hubs');
const { Client: DeviceClient, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const WebSocket = require('ws');
const { WAIT_MS, newDevice, recordedTelemetry } = require('../lib/helpers');

/** A consumer of `$Default`; with `webSocketOptions`, AMQP over WebSockets on 443 instead of AMQPS on 5671. */
function consumer(options = {}) {
  const connectionString = process.env.EVENTHUB_CONNECTION_STRING;
  assert.ok(connectionString, 'EVENTHUB_CONNECTION_STRING is not set: run the suite through .ci/conformance.sh');
  return new EventHubConsumerClient('$Default', connectionString, options);
}

async function send(deviceConnectionString, ...messages) {
  const device = DeviceClient.fromConnectionString(deviceConnectionString, Mqtt);
  await device.open();
  try {
    for (const message of messages) {
      await device.sendEvent(message);
    }
  } finally {
    await device.close();
  }
}

/**
 * Subscribes (to one partition, or all) from `startPosition` until `done(events)` holds for the events received
 * so far, in order; returns them, each with the `partitionId` it came from. Fails on an error the client
 * reports, or after WAIT_MS saying what arrived.
 */
async function receive(client, { partitionId, startPosition, done }) {
  const events = [];
  let subscription;
  let timer;
  const finished = new Promise((resolve, reject) => {
    const handlers = {
      async processEvents(batch, context) {
        events.push(...batch.map((event) => Object.assign(event, { partitionId: context.partitionId })));
        if (done(events)) {
          resolve(events);
        }
      },
      async processError(error, context) {
        reject(new Error(`the consumer reported on partition '${context.partitionId}': ${error.stack || error}`));
      },
    };
    const options = { startPosition, maxBatchSize: 20, maxWaitTimeInSeconds: 1, skipParsingBodyAsJson: true };
    subscription = partitionId === undefined
      ? client.subscribe(handlers, options)
      : client.subscribe(partitionId, handlers, options);
    timer = setTimeout(() => reject(new Error(`not done within ${WAIT_MS} ms; received message ids ` +
      JSON.stringify(events.map((e) => e.messageId)))), WAIT_MS);
  });
  try {
    return await finished;
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
}

const withIds = (...ids) => (events) => ids.every((id) => events.some((e) => e.messageId === id));

test('a consumer reads device telemetry with every property', { timeout: 120000 }, async (t) => {
  const { deviceId, connectionString } = await newDevice(t, 'eventhub');
  const messageId = `node-eh-${crypto.randomUUID()}`; // unique: the hub keeps the events of earlier runs
  const body = JSON.stringify({ temperature: 21.5, unit: '°C' });
  const message = new Message(body);
  message.messageId = messageId;
  message.correlationId = 'node-eh-correlation-1';
  message.userId = 'node-eh-user';
  message.contentType = 'application/json';
  message.contentEncoding = 'utf-8';
  message.properties.add('temperatureAlert', 'false');
  message.properties.add('note', 'a&b=c/d ü%20');
  const before = Date.now();
  await send(connectionString, message);
  const record = await recordedTelemetry(deviceId, messageId);

  const client = consumer();
  t.after(() => client.close());
  const events = await receive(client, { startPosition: earliestEventPosition, done: withIds(messageId) });
  const event = events.find((e) => e.messageId === messageId);

  assert.deepEqual(event.body, Buffer.from(body, 'utf8'));
  assert.equal(event.contentType, 'application/json');
  assert.equal(event.correlationId, 'node-eh-correlation-1');
  assert.deepEqual(event.properties, { temperatureAlert: 'false', note: 'a&b=c/d ü%20' });
  const system = event.systemProperties;
  assert.equal(system.messageId, messageId);
  assert.equal(system.correlationId, 'node-eh-correlation-1');
  assert.equal(system.contentType, 'application/json');
  assert.equal(system.contentEncoding, 'utf-8');
  // user-id is AMQP binary; the SDK's copy of the system properties turns that Buffer into {0: byte, 1: byte, ...}
  assert.equal(Buffer.from(Object.values(system.userId)).toString('utf8'), 'node-eh-user');
  assert.equal(system['iothub-connection-device-id'], deviceId);
  assert.equal(system['iothub-message-source'], 'Telemetry');
  assert.equal(JSON.parse(system['iothub-connection-auth-method']).type, 'sas');
  assert.match(String(system['iothub-connection-auth-generation-id']), /\S/);
  assert.equal(typeof system['iothub-enqueuedtime'], 'number'); // a timestamp; the SDK turns Dates into numbers
  assert.ok(event.sequenceNumber >= 0, `sequence number ${event.sequenceNumber}`);
  assert.notEqual(event.offset, undefined);
  assert.ok(event.enqueuedTimeUtc instanceof Date && event.enqueuedTimeUtc.getTime() >= before - 60000,
    `enqueued time ${event.enqueuedTimeUtc}`);
  assert.equal(record.correlationId, 'node-eh-correlation-1'); // the hub's own record agrees
  assert.deepEqual(Buffer.from(record.body, 'base64'), event.body);
});

test('partition ids and properties, and a start from a sequence number, an offset and an enqueued time',
  { timeout: 180000 }, async (t) => {
    const { connectionString } = await newDevice(t, 'eventhub-positions');
    const firstId = `node-eh-first-${crypto.randomUUID()}`;
    const secondId = `node-eh-second-${crypto.randomUUID()}`;
    const first = new Message('first');
    first.messageId = firstId;
    const second = new Message('second');
    second.messageId = secondId;
    await send(connectionString, first, second);

    const client = consumer();
    t.after(() => client.close());
    const both = await receive(client, { startPosition: earliestEventPosition, done: withIds(firstId, secondId) });
    const a = both.find((e) => e.messageId === firstId);
    const b = both.find((e) => e.messageId === secondId);
    assert.equal(b.partitionId, a.partitionId, 'a device always lands in the same partition');
    assert.ok(b.sequenceNumber > a.sequenceNumber, 'events of one device keep their order');
    const partitionId = a.partitionId;

    assert.deepEqual(await client.getPartitionIds(), ['0', '1', '2', '3']); // the standalone's default, like a new hub
    const hub = await client.getEventHubProperties();
    assert.deepEqual(hub.partitionIds, ['0', '1', '2', '3']);
    assert.ok(hub.createdOn instanceof Date, `createdOn ${hub.createdOn}`);
    const partition = await client.getPartitionProperties(partitionId);
    assert.equal(partition.eventHubName, hub.name);
    assert.equal(partition.partitionId, partitionId);
    assert.ok(partition.beginningSequenceNumber <= a.sequenceNumber, JSON.stringify(partition));
    assert.ok(partition.lastEnqueuedSequenceNumber >= b.sequenceNumber, JSON.stringify(partition));
    assert.equal(partition.isEmpty, false);

    // Each start below is on the device's partition; other devices' events may follow, never precede.
    const afterFirst = await receive(client, {
      partitionId, startPosition: { sequenceNumber: a.sequenceNumber, isInclusive: false }, done: withIds(secondId) });
    assert.equal(afterFirst[0].sequenceNumber, a.sequenceNumber + 1, 'exclusive: the event right after the first');
    assert.ok(!afterFirst.some((e) => e.messageId === firstId),
      'an exclusive start delivered the event it starts after');

    const fromFirst = await receive(client, {
      partitionId, startPosition: { offset: a.offset, isInclusive: true }, done: withIds(secondId) });
    assert.equal(fromFirst[0].messageId, firstId, 'inclusive: the event at the offset comes first');
    assert.equal(fromFirst[0].sequenceNumber, a.sequenceNumber);

    const fromTime = await receive(client, {
      partitionId, startPosition: { enqueuedOn: new Date(a.enqueuedTimeUtc.getTime() - 1) }, done: withIds(secondId) });
    assert.ok(fromTime.every((e) => e.enqueuedTimeUtc.getTime() >= a.enqueuedTimeUtc.getTime()),
      'an event enqueued before the start time');
    assert.ok(fromTime.some((e) => e.messageId === firstId), 'the event enqueued after the start time is missing');
  });

test('a consumer reads over AMQP WebSockets', { timeout: 120000 }, async (t) => {
  // As behind a firewall that only lets HTTPS out; Node 20 has no global WebSocket, so the app passes `ws`.
  const { deviceId, connectionString } = await newDevice(t, 'eventhub-ws');
  const messageId = `node-eh-ws-${crypto.randomUUID()}`;
  const message = new Message('over websockets');
  message.messageId = messageId;
  await send(connectionString, message);

  const client = consumer({ webSocketOptions: { webSocket: WebSocket } });
  t.after(() => client.close());
  const events = await receive(client, { startPosition: earliestEventPosition, done: withIds(messageId) });
  const event = events.find((e) => e.messageId === messageId);

  assert.deepEqual(event.body, Buffer.from('over websockets', 'utf8'));
  assert.equal(event.systemProperties['iothub-connection-device-id'], deviceId);
  assert.deepEqual(await client.getPartitionIds(), ['0', '1', '2', '3']);
});
