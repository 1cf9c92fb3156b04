#!/usr/bin/env node
// kafkajs round trip against the local broker (see README.md).
//
//   node infra/kafka/smoke.mjs [--brokers 127.0.0.1:9092] [--topic T] [--group G] [--messages 100]
//       create topic T (3 partitions), produce N keyed messages (acks=all),
//       consume them all in consumer group G, commit, verify.
//   node infra/kafka/smoke.mjs --check --topic T --group G [--messages 100]
//       after a broker restart: T still has 3 partitions holding N messages and
//       G's committed offsets still cover all N (nothing re-delivered).
// Exits non-zero on any failure. Prints one summary line per step.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, Partitioners, logLevel } = require('kafkajs');

const args = { brokers: `127.0.0.1:${process.env.KAFKA_PORT || 9092}`, messages: 100, check: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--brokers') args.brokers = argv[++i];
  else if (a === '--topic') args.topic = argv[++i];
  else if (a === '--group') args.group = argv[++i];
  else if (a === '--messages') args.messages = Number(argv[++i]);
  else if (a === '--check') args.check = true;
  else throw new Error(`smoke.mjs: unknown argument ${a}`);
}
const stamp = `${Date.now()}-${process.pid}`;
const topic = args.topic ?? `smoke.roundtrip.${stamp}`;
const group = args.group ?? `smoke-group-${stamp}`;
const N = args.messages;
const PARTITIONS = 3;
const brokers = args.brokers.split(',');

// kafkajs logs the first FindCoordinator answer of a new cluster ("The group
// coordinator is not available", while __consumer_offsets is being created)
// at ERROR level although it retries and succeeds; drop just that one.
const logCreator = () => ({ namespace, level, log: entry }) => {
  const { message, error, ...rest } = entry;
  if (error === 'The group coordinator is not available') return;
  const name = Object.keys(logLevel).find((k) => logLevel[k] === level);
  console.error(`smoke: kafkajs ${name} [${namespace}] ${message}${error ? `: ${error}` : ''} ${JSON.stringify(rest)}`);
};
const kafka = new Kafka({ clientId: 'complaints-kafka-smoke', brokers, logLevel: logLevel.WARN, logCreator });
const admin = kafka.admin();
const t0 = Date.now();
const ms = () => `${Date.now() - t0} ms`;
const log = (s) => console.log(`smoke: ${s}`);
function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

async function partitionCounts() {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map((o) => ({ partition: o.partition, high: Number(o.high), low: Number(o.low) }))
    .sort((a, b) => a.partition - b.partition);
}

async function committed() {
  const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return entry.partitions
    .map((p) => ({ partition: p.partition, offset: Number(p.offset) }))
    .sort((a, b) => a.partition - b.partition);
}

async function roundTrip() {
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const parts = meta.topics[0].partitions;
  assert(parts.length === PARTITIONS, `expected ${PARTITIONS} partitions, got ${parts.length}`);
  log(`topic ${topic} ${created ? 'created' : 'already existed'} with ${parts.length} partitions, leaders ${parts.map((p) => p.leader).join(',')} (${ms()})`);

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const messages = Array.from({ length: N }, (_, i) => ({
    key: `complaint-${i % 17}`,
    value: JSON.stringify({ seq: i, body: `message ${i}` }),
    headers: { seq: String(i) },
  }));
  const res = await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
  log(`produced ${N} keyed messages (acks=all) -> base offsets ${res.map((r) => `p${r.partition}@${r.baseOffset}`).join(' ')} (${ms()})`);

  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, heartbeatInterval: 1000 });
  const seen = new Map(); // seq -> partition
  const keyPartition = new Map();
  let done;
  const allReceived = new Promise((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const tc = Date.now();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const seq = Number(message.headers.seq.toString());
      const key = message.key.toString();
      assert(!seen.has(seq), `duplicate delivery of seq ${seq}`);
      seen.set(seq, partition);
      if (keyPartition.has(key)) assert(keyPartition.get(key) === partition, `key ${key} on two partitions`);
      keyPartition.set(key, partition);
      if (seen.size === N) done();
    },
  });
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`consumed only ${seen.size}/${N} within 60 s`)), 60_000).unref());
  await Promise.race([allReceived, timeout]);
  const consumeMs = Date.now() - tc;
  await consumer.disconnect(); // commits the resolved offsets
  const perPartition = [0, 1, 2].map((p) => [...seen.values()].filter((x) => x === p).length);
  log(`consumed all ${seen.size}/${N} in group ${group} in ${consumeMs} ms (join + fetch); per partition ${perPartition.join('/')}; ${keyPartition.size} keys each on one partition (${ms()})`);
  assert(perPartition.every((c) => c > 0), 'every partition should hold some messages');
}

async function check() {
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  assert(meta.topics[0].partitions.length === PARTITIONS, `topic ${topic} lost partitions`);
  const hw = await partitionCounts();
  const total = hw.reduce((s, p) => s + p.high - p.low, 0);
  assert(total === N, `topic ${topic} holds ${total} messages, expected ${N}`);
  log(`topic ${topic} ${args.check ? "survived" : "holds"}: ${hw.length} partitions, high watermarks ${hw.map((p) => p.high).join('/')} = ${total} messages`);
}

async function checkCommitted() {
  const hw = await partitionCounts();
  const c = await committed();
  for (const p of hw) {
    const cp = c.find((x) => x.partition === p.partition);
    assert(cp && cp.offset === p.high, `group ${group} committed ${cp?.offset} on p${p.partition}, high watermark ${p.high}`);
  }
  log(`group ${group} committed offsets ${c.map((p) => p.offset).join('/')} = high watermarks (nothing left to consume)`);
}

try {
  await admin.connect();
  if (!args.check) await roundTrip();
  await check();
  await checkCommitted();
  log(`OK ${args.check ? 'check' : 'round trip'} topic=${topic} group=${group} (${ms()})`);
  await admin.disconnect();
} catch (e) {
  console.error(`smoke: FAILED: ${e.stack || e.message}`);
  await admin.disconnect().catch(() => {});
  process.exit(1);
}
