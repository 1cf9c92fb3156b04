// A relay as its own OS process, for the relay fault tests (libs/platform/messaging/src/relay/event-relay.faults.int.spec.ts).
// Runs the compiled libraries (`npm run build`) through the workspace's path aliases:
//   node -r ./tools/runtime-paths.cjs libs/platform/messaging/fault-workers/relay-worker.cjs
// Environment: DATABASE_URL, KAFKA_BROKERS, TOPIC, RELAY_NAME, BATCH_SIZE, STANDBY_RETRY_MS.
// Every message it publishes carries a `relay-pid` header, so a test can tell which
// process published what. Lines on stdout: `ready`, `leading …`, `published <n>`.
'use strict';
const { Pool } = require('pg');
const { PostgresEventStore } = require('@complaints/event-store');
const { EventRelay, KafkaMessageBus, toComplaintEventMessage } = require('@complaints/messaging');

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`relay-worker: ${name} is not set`);
  return value;
};
const say = (line) => process.stdout.write(`${line}\n`);

const main = async () => {
  const connectionString = env('DATABASE_URL');
  const topic = env('TOPIC');
  const pool = new Pool({ connectionString, max: 4 });
  pool.on('error', (error) => say(`pool: idle connection lost: ${error.message}`));
  const store = new PostgresEventStore({ pool, pollIntervalMs: 100 });
  const bus = new KafkaMessageBus({ brokers: env('KAFKA_BROKERS').split(','), clientId: `relay-worker-${process.pid}`, log: (line) => say(`bus: ${line}`) });
  const relay = new EventRelay({
    store,
    bus,
    pool,
    connectionString,
    name: env('RELAY_NAME', 'complaint-events'),
    streamPrefix: 'complaint-',
    batchSize: Number(env('BATCH_SIZE', '200')),
    standbyRetryMs: Number(env('STANDBY_RETRY_MS', '500')),
    route: (event) => {
      const message = toComplaintEventMessage(event, topic);
      return [{ ...message, headers: { ...message.headers, 'relay-pid': String(process.pid) } }];
    },
    log: (line) => say(line),
  });
  relay.start();
  let reported = 0;
  setInterval(() => {
    if (relay.publishedCount !== reported) say(`published ${(reported = relay.publishedCount)}`);
  }, 250);
  say('ready');
  const shutdown = async () => {
    await relay.stop();
    await bus.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
};

main().catch((error) => {
  process.stderr.write(`relay-worker: ${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
