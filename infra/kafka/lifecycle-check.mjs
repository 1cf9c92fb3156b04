#!/usr/bin/env node
// Exercises kafka-broker.cjs the way a fault-injection test will:
// fresh start -> round trip -> SIGKILL -> start on the same data dir (topic,
// messages and committed offsets survive) -> graceful restart -> check -> stop.
//
//   node infra/kafka/lifecycle-check.mjs [--port 19092] [--data-dir DIR]
//
// Uses its own port/data dir by default (<repo>/.data/kafka-lifecycle) so it
// does not disturb a broker started by start.sh.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startKafka } = require('./kafka-broker.cjs');
const here = path.dirname(fileURLToPath(import.meta.url));

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const port = Number(opt('--port', 19092));
const dataDir = path.resolve(opt('--data-dir', path.join(here, '..', '..', '.data', 'kafka-lifecycle')));
const t = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const t0 = Date.now();
const log = (s) => console.log(`lifecycle: ${s} [${t()}]`);

function smoke(brokers, extra = []) {
  const out = execFileSync(process.execPath, [path.join(here, 'smoke.mjs'), '--brokers', brokers.join(','), ...extra], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(`${out.trimEnd().replace(/^/gm, '  ')}\n`);
  const m = /topic=(\S+) group=(\S+)/.exec(out);
  return { topic: m[1], group: m[2] };
}

let kafka;
try {
  kafka = await startKafka({ port, controllerPort: port + 1, dataDir, fresh: true });
  log(`fresh start: ${kafka.brokers} Apache Kafka ${kafka.version} pid ${kafka.pid}`);
  const { topic, group } = smoke(kafka.brokers);

  await kafka.kill('SIGKILL');
  log(`SIGKILLed pid ${kafka.pid}`);
  kafka = await startKafka({ port, controllerPort: port + 1, dataDir });
  log(`started again after crash: pid ${kafka.pid} (alreadyRunning=${kafka.alreadyRunning})`);
  smoke(kafka.brokers, ['--check', '--topic', topic, '--group', group]);

  const again = await startKafka({ port, controllerPort: port + 1, dataDir });
  if (!again.alreadyRunning || again.pid !== kafka.pid) throw new Error('second startKafka should attach to the running broker');
  log(`startKafka while running attaches to pid ${again.pid}`);

  kafka = await kafka.restart();
  log(`graceful restart: pid ${kafka.pid}`);
  smoke(kafka.brokers, ['--check', '--topic', topic, '--group', group]);

  await kafka.stop();
  await kafka.stop(); // idempotent
  log('stopped; lifecycle OK');
} catch (e) {
  console.error(`lifecycle: FAILED: ${e.stack || e.message}`);
  if (kafka) await kafka.stop().catch(() => {});
  process.exit(1);
}
