#!/usr/bin/env node
// Readiness probe for the local Kafka broker (used by start.sh).
//
//   node infra/kafka/wait.mjs --brokers 127.0.0.1:9092 [--timeout 90] [--pid N]
//
// Ready means, through kafkajs (the client the services use):
//   1. ApiVersions + Metadata succeed and the cluster lists at least one
//      (unfenced) broker (describeCluster),
//   2. listTopics() round trip succeeds,
//   3. the controller accepts a validate-only CreateTopics for a 1-partition
//      topic (proves a broker is registered and can host replicas; nothing is
//      created, and waitForLeaders is off so no metadata request for the probe
//      topic can auto-create it).
// Exits 0 when ready, 1 on timeout, 2 if --pid dies first. Last error on stderr.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

function parseArgs(argv) {
  const out = { brokers: '127.0.0.1:9092', timeout: 90, pid: undefined, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--brokers') out.brokers = argv[++i];
    else if (a === '--timeout') out.timeout = Number(argv[++i]);
    else if (a === '--pid') out.pid = Number(argv[++i]);
    else if (a === '--quiet') out.quiet = true;
    else throw new Error(`wait.mjs: unknown argument ${a}`);
  }
  if (!Number.isFinite(out.timeout) || out.timeout <= 0) throw new Error('wait.mjs: --timeout must be > 0 seconds');
  return out;
}

/** Alive and not a zombie (Linux /proc); elsewhere fall back to signal 0. */
export function processAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (e) {
    if (e.code !== 'ENOENT') {
      try { process.kill(pid, 0); return true; } catch { return false; }
    }
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function probeOnce(brokers) {
  const kafka = new Kafka({
    clientId: 'complaints-kafka-wait',
    brokers,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (!cluster.brokers || cluster.brokers.length === 0) throw new Error('metadata lists no live broker yet');
    await admin.listTopics();
    await admin.createTopics({
      validateOnly: true,
      waitForLeaders: false,
      timeout: 5000,
      topics: [{ topic: '__complaints_readiness_probe', numPartitions: 1, replicationFactor: 1 }],
    });
    return cluster;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function waitForKafka({ brokers, timeoutMs = 90_000, pid, intervalMs = 250 }) {
  const list = Array.isArray(brokers) ? brokers : String(brokers).split(',');
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (pid !== undefined && !processAlive(pid)) {
      const err = new Error(`broker process ${pid} exited before it became ready`);
      err.code = 'BROKER_EXITED';
      throw err;
    }
    try {
      return await probeOnce(list);
    } catch (e) {
      lastError = e;
    }
    await sleep(intervalMs);
  }
  const err = new Error(
    `broker at ${list.join(',')} not ready after ${Math.round(timeoutMs / 1000)}s` +
      (lastError ? ` (last error: ${lastError.message})` : ''),
  );
  err.code = 'TIMEOUT';
  throw err;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  try {
    await waitForKafka({ brokers: args.brokers, timeoutMs: args.timeout * 1000, pid: args.pid });
    process.exit(0);
  } catch (e) {
    if (!args.quiet) console.error(`kafka: ${e.message}`);
    process.exit(e.code === 'BROKER_EXITED' ? 2 : 1);
  }
}
