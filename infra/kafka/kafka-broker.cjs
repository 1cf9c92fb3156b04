'use strict';
// Programmatic control of the local Kafka broker (infra/kafka/start.sh and
// stop.sh), for a jest globalSetup or an end-to-end / fault-injection test.
//
//   const { startKafka } = require('../../infra/kafka/kafka-broker.cjs');
//   const kafka = await startKafka({ port: 19092, controllerPort: 19093, dataDir, fresh: true });
//   // kafka.brokers -> ['127.0.0.1:19092']
//   await kafka.kill('SIGKILL');   // crash it (data dir kept)
//   await kafka.restart();         // same data dir: topics and committed offsets survive
//   await kafka.stop();
//
// Scripts are run with bash; their output is returned in errors (and streamed
// to stderr when { verbose: true }).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SCRIPT_DIR = __dirname;
const REPO_ROOT = path.resolve(SCRIPT_DIR, '..', '..');
const DEFAULT_DATA_DIR = path.join(REPO_ROOT, '.data', 'kafka');
const READY_RE = /^kafka: broker (ready|already running) at (\S+) \(Apache Kafka (\S+), pid (\d+), data (.+)\)$/m;

function resolveOptions(opts = {}) {
  const env = process.env;
  const port = Number(opts.port ?? env.KAFKA_PORT ?? 9092);
  const controllerPort = Number(opts.controllerPort ?? env.KAFKA_CONTROLLER_PORT ?? port + 1);
  const dataDir = path.resolve(opts.dataDir ?? env.KAFKA_DATA_DIR ?? DEFAULT_DATA_DIR);
  return {
    port,
    controllerPort,
    dataDir,
    cacheDir: opts.cacheDir ?? env.KAFKA_CACHE_DIR,
    version: opts.version ?? env.KAFKA_VERSION,
    heap: opts.heap ?? env.KAFKA_HEAP,
    startTimeoutMs: opts.startTimeoutMs ?? 90_000,
    stopTimeoutMs: opts.stopTimeoutMs ?? 30_000,
    verbose: Boolean(opts.verbose),
    fresh: Boolean(opts.fresh),
  };
}

function scriptEnv(o) {
  const env = {
    ...process.env,
    KAFKA_PORT: String(o.port),
    KAFKA_CONTROLLER_PORT: String(o.controllerPort),
    KAFKA_DATA_DIR: o.dataDir,
    KAFKA_START_TIMEOUT: String(Math.ceil(o.startTimeoutMs / 1000)),
    KAFKA_STOP_TIMEOUT: String(Math.ceil(o.stopTimeoutMs / 1000)),
  };
  if (o.cacheDir) env.KAFKA_CACHE_DIR = path.resolve(o.cacheDir);
  if (o.version) env.KAFKA_VERSION = o.version;
  if (o.heap) env.KAFKA_HEAP = o.heap;
  return env;
}

function runScript(name, o) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(SCRIPT_DIR, name)], {
      env: scriptEnv(o),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      if (o.verbose) process.stderr.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else {
        const err = new Error(`infra/kafka/${name} failed (${signal ?? `exit ${code}`}):\n${out.trimEnd()}`);
        err.output = out;
        reject(err);
      }
    });
  });
}

/** Alive and not a zombie. */
function processAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch (e) {
    if (e.code === 'ENOENT') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function assertWipeable(dir) {
  const forbidden = new Set(['/', os.homedir(), REPO_ROOT, path.dirname(REPO_ROOT), SCRIPT_DIR].map((p) => path.resolve(p)));
  if (forbidden.has(dir)) throw new Error(`startKafka({ fresh: true }) refuses to wipe ${dir}`);
}

/**
 * Stop the broker of a data dir (SIGTERM, then SIGKILL after stopTimeoutMs).
 * Resolves when it is gone; a no-op when none is running.
 */
async function stopKafka(opts = {}) {
  const o = resolveOptions(opts);
  await runScript('stop.sh', o);
}

/**
 * Start (or attach to) the broker of a data dir and wait until it is ready.
 * @returns {Promise<{brokers: string[], version: string, pid: number, dataDir: string,
 *   logFile: string, alreadyRunning: boolean, stop(): Promise<void>,
 *   kill(signal?: NodeJS.Signals): Promise<void>, restart(): Promise<object>}>}
 */
async function startKafka(opts = {}) {
  const o = resolveOptions(opts);
  if (o.fresh) {
    assertWipeable(o.dataDir);
    await stopKafka(o);
    fs.rmSync(o.dataDir, { recursive: true, force: true });
  }
  const out = await runScript('start.sh', o);
  const m = READY_RE.exec(out);
  if (!m) throw new Error(`infra/kafka/start.sh succeeded but printed no ready line:\n${out}`);
  const pid = Number(m[4]);
  const { fresh: _fresh, ...again } = opts;
  return {
    brokers: [m[2]],
    version: m[3],
    pid,
    dataDir: o.dataDir,
    logFile: path.join(o.dataDir, 'broker.log'),
    alreadyRunning: m[1] === 'already running',
    /** Graceful stop (controlled shutdown); data dir kept. */
    stop: () => stopKafka(o),
    /**
     * Send a signal to the broker (default SIGKILL, i.e. a crash). For
     * SIGKILL/SIGTERM resolves once the process is gone; data dir kept.
     */
    kill: async (signal = 'SIGKILL') => {
      if (!processAlive(pid)) return;
      process.kill(pid, signal);
      if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') {
        if (!(await waitForExit(pid, o.stopTimeoutMs))) {
          throw new Error(`kafka broker pid ${pid} still alive ${o.stopTimeoutMs} ms after ${signal}`);
        }
      }
    },
    /** Graceful stop, then start again on the same data dir and ports. */
    restart: async () => {
      await stopKafka(o);
      return startKafka(again);
    },
  };
}

module.exports = { startKafka, stopKafka, DEFAULT_DATA_DIR };
