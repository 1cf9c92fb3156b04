import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * Runs a compiled service (`dist/apps/<name>/src/main.js`) as its own OS process, the
 * way the distributed topology does, for end-to-end and fault tests.
 */
/** The workspace (the folder holding nx.json), from the sources (jest) or a compiled copy under dist/ (benchmarks). */
export const workspaceRoot = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'nx.json'))) return dir;
  throw new Error(`No nx.json above ${__dirname}`);
})();

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });

export type ServiceProcess = {
  name: string;
  port: number;
  url: string;
  readonly pid: number;
  logFile: string;
  /** SIGKILL (a crash) or another signal; resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the process again with the same port and environment. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

const waitForHealth = async (url: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`process exited with code ${child.exitCode} before it was healthy`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`not healthy after ${timeoutMs} ms`);
};

export const startServiceProcess = async (
  name: string,
  env: Record<string, string>,
  options: { logDir?: string; healthTimeoutMs?: number } = {},
): Promise<ServiceProcess> => {
  const port = Number(env.PORT ?? (await freePort()));
  const logDir = options.logDir ?? join(workspaceRoot, 'tmp', 'e2e-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}-${port}.log`);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let log: WriteStream;

  const launch = async () => {
    log = createWriteStream(logFile, { flags: 'a' });
    child = spawn(process.execPath, ['-r', join(workspaceRoot, 'tools/runtime-paths.cjs'), join(workspaceRoot, `dist/apps/${name}/src/main.js`)], {
      cwd: workspaceRoot,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    try {
      await waitForHealth(url, child, options.healthTimeoutMs ?? 60_000);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${name} (port ${port}): ${(error as Error).message}; see ${logFile}`);
    }
  };

  const exited = () => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

  await launch();
  return {
    name,
    port,
    url,
    get pid() {
      return child.pid ?? -1;
    },
    logFile,
    kill: async (signal = 'SIGKILL') => {
      const done = exited();
      child.kill(signal);
      await done;
    },
    restart: launch,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = exited();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
};

/** Polls until `probe` returns a value (not undefined) or the time runs out. */
export const eventually = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000, intervalMs = 100): Promise<T> => {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
};

/** The broker the test command started, or undefined with the reason the Kafka tier is skipped. */
export const kafkaBrokers = (): string[] | undefined => process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
export const kafkaSkipReason = (): string => process.env.KAFKA_TIER_SKIPPED ?? 'KAFKA_BROKERS is not set (run the tests with `npm test`, which starts a broker)';
