import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresError, LEGACY_EMBEDDED_PG_PASSWORD, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

/**
 * The embedded PostgreSQL's own rules, against the real binaries: a random superuser
 * password kept beside the data, the migration of clusters made with the old fixed one,
 * start failures as one explanatory paragraph, and (as root) a data folder the postgres
 * user cannot enter.
 */
jest.setTimeout(120_000);

const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });

const connectError = async (url: string): Promise<string | undefined> => {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
};

const query = async (url: string, sql: string): Promise<unknown[]> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

const withPassword = (url: string, password: string): string => {
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
};

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const workDirs: string[] = [];
const servers: EmbeddedPostgres[] = [];
const workDir = (mode = 0o755): string => {
  const dir = mkdtempSync(join(tmpdir(), 'complaints-embedded-pg-'));
  chmodSync(dir, mode);
  workDirs.push(dir);
  return dir;
};
const start = async (dataDir: string, runtimeDir: string, port: number, lines: string[] = []): Promise<EmbeddedPostgres> => {
  const server = await startEmbeddedPostgres({ dataDir, port, runtimeDir, log: (line) => lines.push(line) });
  servers.push(server);
  return server;
};

afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

describe('embedded PostgreSQL superuser password', () => {
  it('rule: a new data folder gets a random superuser password, kept beside it with mode 0600, and the old fixed one is refused', async () => {
    // given a data folder that does not exist yet
    const base = workDir();
    const dataDir = join(base, 'data', 'postgres');
    const port = await freePort();

    // when the embedded PostgreSQL starts
    const server = await start(dataDir, join(base, 'runtime'), port);

    // then the password is random, in <dataDir>.password (0600), and the only one accepted
    const password = readFileSync(server.passwordFile, 'utf8').trim();
    expect(server.passwordFile).toBe(`${dataDir}.password`);
    expect(statSync(server.passwordFile).mode & 0o777).toBe(0o600);
    expect(password).not.toBe(LEGACY_EMBEDDED_PG_PASSWORD);
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(new URL(server.adminUrl).password).toBe(encodeURIComponent(password));
    expect(await connectError(server.adminUrl)).toBeUndefined();
    expect(await connectError(withPassword(server.adminUrl, LEGACY_EMBEDDED_PG_PASSWORD))).toBe('28P01');

    // and a second data folder gets another password
    const other = await start(join(base, 'other', 'postgres'), join(base, 'runtime'), await freePort());
    expect(readFileSync(other.passwordFile, 'utf8').trim()).not.toBe(password);
  });

  it('rule: a data folder made with the old fixed password is switched to a new random one on start, keeping its data', async () => {
    // given a cluster whose superuser has the old password `postgres` and no password file (as made before)
    const base = workDir();
    const dataDir = join(base, 'data', 'postgres');
    const port = await freePort();
    const first = await start(dataDir, join(base, 'runtime'), port);
    await query(first.adminUrl, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here'); ALTER ROLE postgres PASSWORD '${LEGACY_EMBEDDED_PG_PASSWORD}'`);
    await first.stop();
    rmSync(first.passwordFile);

    // when it starts again
    const lines: string[] = [];
    const second = await start(dataDir, join(base, 'runtime'), port, lines);

    // then a new random password is kept in the file and used, the old one is refused, the data is there
    const password = readFileSync(second.passwordFile, 'utf8').trim();
    expect(password).not.toBe(LEGACY_EMBEDDED_PG_PASSWORD);
    expect(statSync(second.passwordFile).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toMatch(/old fixed password was replaced/);
    expect(await connectError(withPassword(second.adminUrl, LEGACY_EMBEDDED_PG_PASSWORD))).toBe('28P01');
    expect(await query(second.adminUrl, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);

    // and after a restart the file's password still opens it, and the old one is still refused
    await second.stop();
    const third = await start(dataDir, join(base, 'runtime'), port);
    expect(third.adminUrl).toBe(second.adminUrl);
    expect(await connectError(third.adminUrl)).toBeUndefined();
    expect(await connectError(withPassword(third.adminUrl, LEGACY_EMBEDDED_PG_PASSWORD))).toBe('28P01');
  });

  it('rule: a password file that does not open the cluster stops the start with a message naming the file', async () => {
    // given a cluster whose password file was replaced by a wrong one
    const base = workDir();
    const dataDir = join(base, 'data', 'postgres');
    const port = await freePort();
    const first = await start(dataDir, join(base, 'runtime'), port);
    await first.stop();
    chmodSync(first.passwordFile, 0o600);
    writeFileSync(first.passwordFile, 'not-the-password\n');

    // when it starts, then it is refused with the cause and the fix, and no server is left running
    const failure = await startEmbeddedPostgres({ dataDir, port, runtimeDir: join(base, 'runtime') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EmbeddedPostgresError);
    expect((failure as Error).message).toContain(`refuses the password in ${dataDir}.password`);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

    // and with no password file at all (and the cluster not on the old password), none is left behind
    rmSync(first.passwordFile);
    const again = await startEmbeddedPostgres({ dataDir, port, runtimeDir: join(base, 'runtime') }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(EmbeddedPostgresError);
    expect(existsSync(first.passwordFile)).toBe(false);
  });
});

describe('embedded PostgreSQL start failures', () => {
  it('rule: a taken port is one paragraph naming the port and EMBEDDED_PG_PORT, not an unhandled error', async () => {
    // given something already listening on the port
    const base = workDir();
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      // when the embedded PostgreSQL starts there
      const failure = await startEmbeddedPostgres({ dataDir: join(base, 'data', 'postgres'), port, runtimeDir: join(base, 'runtime') }).catch((error: unknown) => error);

      // then it fails with the cause and the fix
      expect(failure).toBeInstanceOf(EmbeddedPostgresError);
      expect((failure as Error).message).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*EMBEDDED_PG_PORT`));
      expect((failure as Error).message).not.toContain('\n');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  (isRoot ? it : it.skip)(
    'rule (as root): a data folder the postgres user cannot enter, with no usable runtime folder, names the folder, the user and EMBEDDED_PG_RUNTIME_DIR',
    async () => {
      // given a data folder and a runtime folder both under 0700 folders of root
      const home = workDir(0o700);
      const elsewhere = workDir(0o700);

      // when the embedded PostgreSQL starts
      const failure = await startEmbeddedPostgres({ dataDir: join(home, '.data', 'postgres'), port: await freePort(), runtimeDir: join(elsewhere, 'runtime') }).catch(
        (error: unknown) => error,
      );

      // then it fails with the cause and the fix
      expect(failure).toBeInstanceOf(EmbeddedPostgresError);
      const message = (failure as Error).message;
      expect(message).toContain(join(home, '.data', 'postgres'));
      expect(message).toContain('OS user postgres');
      expect(message).toContain('EMBEDDED_PG_RUNTIME_DIR');
      expect(message).not.toContain('\n');
    },
  );

  (isRoot ? it : it.skip)('rule (as root): a data folder the postgres user cannot enter lives in the runtime folder, and stays there across restarts', async () => {
    // given a data folder under a 0700 folder of root, and a runtime folder the postgres user can enter
    const home = workDir(0o700);
    const runtimeDir = join(workDir(), 'runtime');
    const dataDir = join(home, '.data', 'postgres');
    const port = await freePort();

    // when the embedded PostgreSQL starts, twice
    const lines: string[] = [];
    const first = await start(dataDir, runtimeDir, port, lines);
    await query(first.adminUrl, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('across restarts')");
    await first.stop();
    const second = await start(dataDir, runtimeDir, port, lines);

    // then the cluster lives under the runtime folder (named in <dataDir>.location and the log), owned by postgres, and keeps its data
    expect(second.clusterDir.startsWith(join(runtimeDir, 'data') + '/')).toBe(true);
    expect(second.clusterDir).toBe(first.clusterDir);
    expect(readFileSync(`${dataDir}.location`, 'utf8').trim()).toBe(second.clusterDir);
    expect(lines.join('\n')).toContain(`cannot reach ${dataDir}; its data lives in ${second.clusterDir}`);
    expect(existsSync(join(second.clusterDir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(false);
    expect(statSync(second.clusterDir).uid).not.toBe(0);
    expect(lines.filter((line) => line.includes('initialising a new cluster'))).toHaveLength(1);
    expect(await query(second.adminUrl, 'SELECT v FROM kept')).toEqual([{ v: 'across restarts' }]);
    expect(second.passwordFile).toBe(`${dataDir}.password`);
  });

  (isRoot ? it : it.skip)('rule (as root): a cluster made while its folder was reachable is carried over when the folder is closed to the postgres user', async () => {
    // given a cluster made in a folder every user may enter, which is then closed (0700)
    const home = workDir(0o755);
    const runtimeDir = join(workDir(), 'runtime');
    const dataDir = join(home, '.data', 'postgres');
    const port = await freePort();
    const first = await start(dataDir, runtimeDir, port);
    expect(first.clusterDir).toBe(dataDir);
    await query(first.adminUrl, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('carried over')");
    await first.stop();
    chmodSync(home, 0o700);

    // when it starts again
    const second = await start(dataDir, runtimeDir, port);

    // then it runs on a copy under the runtime folder, with the same data and password
    expect(second.clusterDir.startsWith(join(runtimeDir, 'data') + '/')).toBe(true);
    expect(await query(second.adminUrl, 'SELECT v FROM kept')).toEqual([{ v: 'carried over' }]);
    expect(second.adminUrl).toBe(first.adminUrl);
  });
});

if (!isRoot) {
  console.warn('SKIPPED: the root-only embedded PostgreSQL tests (a folder the postgres OS user cannot enter) need to run as root');
}
