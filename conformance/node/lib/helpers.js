'use strict';
// Shared by the Node conformance scenarios. They reach the hub only through the Azure SDKs, with what a
// user has: the service connection string the standalone hub printed and its CA (NODE_EXTRA_CA_CERTS).
// The one non-SDK surface is the hub's log (FAKE_HUB_LOG): one `Telemetry {json}` line per message it recorded.
const crypto = require('node:crypto');
const fs = require('node:fs');
const { setTimeout: delay } = require('node:timers/promises');
const { Registry } = require('azure-iothub');

const WAIT_MS = 30000;

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite through .ci/conformance.sh`);
  }
  return value;
}

const serviceConnectionString = () => required('IOTHUB_CONNECTION_STRING');

function connectionStringValue(connectionString, key) {
  const part = connectionString.split(';').find((p) => p.startsWith(key + '='));
  return part.substring(key.length + 1);
}

const hubHost = () => connectionStringValue(serviceConnectionString(), 'HostName');

function wrongKey(connectionString) {
  return connectionString.replace(/SharedAccessKey=.*$/, 'SharedAccessKey=' + crypto.randomBytes(32).toString('base64'));
}

/** Registers a device through the SDK's Registry; `t.after` deletes it. Returns {deviceId, connectionString}. */
async function newDevice(t, name) {
  const registry = Registry.fromConnectionString(serviceConnectionString());
  const deviceId = `node-${name}-${crypto.randomBytes(4).toString('hex')}`;
  const { responseBody } = await registry.create({ deviceId, status: 'enabled' });
  t.after(() => registry.delete(deviceId).catch(() => { /* the test deleted it */ }));
  const key = responseBody.authentication.symmetricKey.primaryKey;
  return { deviceId, connectionString: `HostName=${hubHost()};DeviceId=${deviceId};SharedAccessKey=${key}` };
}

/** Waits (polling the other process's log file) for the hub's record of one telemetry message. */
async function recordedTelemetry(deviceId, messageId) {
  const path = required('FAKE_HUB_LOG');
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const mine = telemetryRecords(path).filter((r) => r.deviceId === deviceId);
    const found = mine.find((r) => r.messageId === messageId);
    if (found) {
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error(`the hub recorded no telemetry '${messageId}' from '${deviceId}' within ${WAIT_MS} ms; ` +
        `from that device it recorded ${JSON.stringify(mine.map((r) => r.messageId))}`);
    }
    await delay(100);
  }
}

function telemetryRecords(path) {
  const marker = ' Telemetry {';
  return fs.readFileSync(path, 'utf8').split('\n')
    .filter((line) => line.includes(marker))
    .map((line) => JSON.parse(line.substring(line.indexOf(marker) + marker.length - 1)));
}

/** Resolves when `count` values arrived through `push`, or rejects after WAIT_MS saying what did arrive. */
function collector(count, what) {
  const items = [];
  let resolve;
  const done = new Promise((r) => { resolve = r; });
  return {
    items,
    push(item) {
      items.push(item);
      if (items.length >= count) {
        resolve(items);
      }
    },
    wait() {
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(
          `expected ${count} ${what} within ${WAIT_MS} ms, got ${items.length}: ${JSON.stringify(items)}`)), WAIT_MS);
      });
      return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
    },
  };
}

module.exports = { WAIT_MS, serviceConnectionString, hubHost, wrongKey, newDevice, recordedTelemetry, collector };
