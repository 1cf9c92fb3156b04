// A consumer as its own OS process, for the relay fault tests (libs/platform/messaging/src/relay/event-relay.faults.int.spec.ts).
//   node -r ./tools/runtime-paths.cjs libs/platform/messaging/fault-workers/consumer-worker.cjs
// Environment: DATABASE_URL, KAFKA_BROKERS, TOPIC, GROUP_ID, SCHEMA (tables made by the test),
// SESSION_TIMEOUT_MS (optional).
// Subscribes through KafkaMessageBus and applies each complaint event with applyOnce:
// the event id goes into <schema>.processed_events and the effect — one increment of the
// stream's counter, with a check that revisions arrive in order — commits in the same
// transaction. Every delivery, duplicate or not, is also logged in <schema>.deliveries.
'use strict';
const { Pool } = require('pg');
const { KafkaMessageBus, applyOnce } = require('@complaints/messaging');
const { parseComplaintEventMessage } = require('@complaints/contracts');

const env = (name) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`consumer-worker: ${name} is not set`);
  return value;
};
const say = (line) => process.stdout.write(`${line}\n`);

const main = async () => {
  const schema = env('SCHEMA');
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema ${schema}`);
  const pool = new Pool({ connectionString: env('DATABASE_URL'), max: 6 });
  pool.on('error', (error) => say(`pool: idle connection lost: ${error.message}`));
  const bus = new KafkaMessageBus({
    brokers: env('KAFKA_BROKERS').split(','),
    clientId: `consumer-worker-${process.pid}`,
    sessionTimeoutMs: process.env.SESSION_TIMEOUT_MS ? Number(process.env.SESSION_TIMEOUT_MS) : undefined,
    log: (line) => say(`bus: ${line}`),
  });
  let applied = 0;
  let duplicates = 0;
  await bus.subscribe({ groupId: env('GROUP_ID'), topic: env('TOPIC'), retryDelayMs: 50 }, async (message) => {
    const event = parseComplaintEventMessage(message.value);
    await pool.query(
      `INSERT INTO ${schema}.deliveries (event_id, relay_pid, consumer_pid, kafka_partition, kafka_offset) VALUES ($1, $2, $3, $4, $5)`,
      [event.eventId, Number(message.headers['relay-pid'] ?? 0), process.pid, message.partition, message.offset],
    );
    const outcome = await applyOnce(pool, schema, 'fault-consumer', event.eventId, async (client) => {
      await client.query(
        `INSERT INTO ${schema}.stream_counters (stream_id, applied, last_revision, out_of_order)
         VALUES ($1, 1, $2, CASE WHEN $2 = 0 THEN 0 ELSE 1 END)
         ON CONFLICT (stream_id) DO UPDATE SET
           applied = stream_counters.applied + 1,
           last_revision = EXCLUDED.last_revision,
           out_of_order = stream_counters.out_of_order
             + CASE WHEN EXCLUDED.last_revision = stream_counters.last_revision + 1 THEN 0 ELSE 1 END`,
        [event.streamId, event.revision],
      );
    });
    if (outcome === 'applied') applied++;
    else duplicates++;
  });
  let reported = '';
  setInterval(() => {
    const line = `applied ${applied} duplicates ${duplicates}`;
    if (line !== reported) say((reported = line));
  }, 250);
  say('ready');
  const shutdown = async () => {
    await bus.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
};

main().catch((error) => {
  process.stderr.write(`consumer-worker: ${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
