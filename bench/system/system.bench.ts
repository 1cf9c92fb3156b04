/**
 * Whole-system benchmark (`npm run bench:system`): the five services as five processes on a
 * real Kafka broker and PostgreSQL, the embedded default (one process, in-memory bus) beside
 * it, and a large event store for the projection rebuild and the hash-chain verification.
 * Beside each figure, the raw ceiling measured in the same run (PostgreSQL INSERT/COPY of the
 * same rows, kafkajs produce/consume of the same messages) and the ratio. See bench/README.md.
 *
 *   node -r ./tools/runtime-paths.cjs dist/bench/system/system.bench.js [--quick] [--events N] [--json FILE]
 *        [--levels 1,8,32,64] [--seconds S] [--rate R] [--profile] [--skip-embedded] [--skip-events]
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { createTestDatabase, freePort, startServiceProcess, workspaceRoot, type ServiceProcess, type TestDatabase } from '@complaints/testing';
import type * as KafkaBrokerModule from '../../infra/kafka/kafka-broker';
import { ACTORS, FiveProcessSystem, SERVICES, TEST_JWT_SECRET } from '../../tests/e2e/src/support/five-process-system';
import { RawCeilings, headPosition, storedRows, type LatencyCeiling, type ThroughputCeiling } from './ceilings';
import { runEventVolume, type EventVolumeResult } from './event-volume';
import { HttpClient, closedLoop, fixedRate, type LoadResult } from './load';
import { CpuMeter, LoadSampler, fmt, processMemory, progress, round, sleep, summarize, type Latency } from './measure';
import { summarizeProfile, type ProfileSummary } from './profile-summary';

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
if (flag('help')) {
  process.stderr.write('usage: system.bench.js [--quick] [--events N] [--json FILE] [--levels 1,8,32,64] [--seconds S] [--rate R] [--profile] [--skip-embedded] [--skip-events]\n');
  process.exit(0);
}
const quick = flag('quick');
const opts = {
  quick,
  levels: (option('levels') ?? (quick ? '1,8,32' : '1,8,32,64')).split(',').map(Number),
  levelSeconds: Number(option('seconds') ?? (quick ? 4 : 15)),
  lagRate: Number(option('rate') ?? 200),
  lagSeconds: quick ? 8 : 30,
  lifecycleWorkers: 8,
  lifecycleSeconds: quick ? 8 : 30,
  events: Number(option('events') ?? process.env.BENCH_EVENTS ?? (quick ? 50_000 : 1_000_000)),
  embedded: !flag('skip-embedded'),
  eventVolume: !flag('skip-events'),
  profile: flag('profile'),
  json: option('json'),
};
const GOALS = { registrationsPerSecond: 1_000, lagP99Ms: 500, rebuildEventsPerSecond: 20_000, verifyMillionSeconds: 60, serviceRssMiB: 256, embeddedRssMiB: 400 };
process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// ---------------------------------------------------------------- clean-up on success, failure and Ctrl-C
const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
const onCleanup = (what: string, run: () => Promise<unknown>) => cleanups.push({ what, run });
let cleaning: Promise<void> | undefined;
const cleanUp = (): Promise<void> =>
  (cleaning ??= (async () => {
    while (cleanups.length) {
      const { what, run } = cleanups.pop() as (typeof cleanups)[number];
      progress(`clean-up: ${what}`);
      await Promise.race([run().catch((error: unknown) => progress(`clean-up of ${what} failed: ${String(error)}`)), sleep(45_000)]);
    }
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping everything this benchmark started`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- what the load talks to
type Target = {
  label: string;
  baseUrl(method: string, path: string): string;
  token(username: string): Promise<string>;
  processes(): Record<string, number>;
  databaseUrl: string;
};

const http = new HttpClient();
let serial = 0;
const TITLES: [string, string][] = [
  ['楼道灯不亮', '5号楼18层楼道灯坏了三天，晚上看不见路'],
  ['电梯异响', '2号楼电梯运行时有异响，担心安全'],
  ['垃圾清运不及时', '垃圾桶满了两天没人清理，有异味'],
  ['楼上装修噪音', '楼上每天早上七点开始装修施工，噪音很大'],
  ['卫生间漏水', '楼上卫生间漏水渗到我家天花板'],
  ['门禁刷卡失灵', '单元门禁经常刷不开'],
];
/** A registration as the dashboard sends it: distinct phone numbers (no repeat linking), realistic text. */
const complaint = () => {
  const n = ++serial;
  const [title, description] = TITLES[n % TITLES.length];
  return {
    siteId: 'site-a',
    channel: 'phone',
    complainant: { name: '陈女士', phone: `139${String(n).padStart(8, '0')}`, building: String(1 + (n % 12)), unit: `${1 + (n % 30)}0${1 + (n % 4)}` },
    title,
    description,
    request: '尽快处理',
    householdCount: 1,
  };
};

const register = async (target: Target): Promise<{ id: string; ms: number; at: number }> => {
  const path = '/api/complaints';
  const res = await http.request(target.baseUrl('POST', path), 'POST', path, await target.token(ACTORS.assistant.username), complaint(), { 'idempotency-key': randomUUID() });
  if (res.status !== 201) throw new Error(`POST ${path} → ${res.status} ${res.body.slice(0, 200)}`);
  return { id: (JSON.parse(res.body) as { id: string }).id, ms: res.ms, at: performance.now() };
};

/** Polls the reporting view until it shows the complaint (and `predicate`); the poll interval grows with the wait (20 ms, then 20 % of the time waited). */
const visible = async (target: Target, id: string, since: number, predicate: (view: Record<string, unknown>) => boolean = () => true, timeoutMs = 60_000): Promise<number> => {
  const path = `/api/complaints/${id}`;
  const token = await target.token(ACTORS.assistant.username);
  for (;;) {
    const res = await http.request(target.baseUrl('GET', path), 'GET', path, token);
    const now = performance.now();
    if (res.status === 200 && predicate(JSON.parse(res.body) as Record<string, unknown>)) return now - since;
    if (res.status !== 200 && res.status !== 404) throw new Error(`GET ${path} → ${res.status} ${res.body.slice(0, 200)}`);
    if (now - since > timeoutMs) throw new Error(`${id} not visible after ${timeoutMs} ms`);
    await sleep(Math.max(20, 0.2 * (now - since)));
  }
};

// ---------------------------------------------------------------- phases
type LevelResult = {
  concurrency: number;
  result: LoadResult;
  eventsPerRegistration: number;
  ceiling?: ThroughputCeiling;
  ceilingRegistrationsPerSecond?: number;
  ratio?: number;
  ratioToPgInsert?: number;
  cpu: { wallSeconds: number; cpuSeconds: Record<string, number> };
  postgresWaits: { what: string; percent: number }[];
};

/** Samples pg_stat_activity of the benchmark's database: what active backends wait on (a poor man's profiler for PostgreSQL). */
const waitSampler = async (databaseUrl: string) => {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const counts = new Map<string, number>();
  let samples = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const { rows } = await client.query<{ w: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'running (CPU)') || ' — ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS w
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`,
      );
      samples++;
      for (const r of rows) counts.set(r.w, (counts.get(r.w) ?? 0) + 1);
      await sleep(50);
    }
  })();
  return async () => {
    stop = true;
    await loop.catch(() => undefined);
    await client.end();
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([what, n]) => ({ what, percent: round((n / Math.max(1, samples)) * 100) })); // % of samples in which a backend was in that state
  };
};

const registrationLevels = async (target: Target, pool: Pool, raw: RawCeilings | undefined, cpu: CpuMeter, onLevel?: (concurrency: number, phase: 'start' | 'end') => void): Promise<LevelResult[]> => {
  const levels: LevelResult[] = [];
  progress(`${target.label}: warm-up (8 clients, 3 s)`);
  await closedLoop(8, 3_000, async () => (await register(target)).ms);
  for (const concurrency of opts.levels) {
    progress(`${target.label}: registration with ${concurrency} concurrent clients for ${opts.levelSeconds} s`);
    const head = await headPosition(pool);
    const waits = await waitSampler(target.databaseUrl);
    onLevel?.(concurrency, 'start');
    cpu.reset();
    const result = await closedLoop(concurrency, opts.levelSeconds * 1000, async () => (await register(target)).ms);
    const cpuUse = cpu.read();
    onLevel?.(concurrency, 'end');
    const postgresWaits = await waits();
    const rows = await storedRows(pool, head);
    const eventsPerRegistration = rows.length / Math.max(1, result.ok);
    progress(
      `  ${fmt(result.perSecond)} registrations/s, p50 ${fmt(result.latency.p50, 1)} ms, p99 ${fmt(result.latency.p99, 1)} ms (${result.ok} ok, ${result.failed} failed${result.firstErrors.length ? `: ${result.firstErrors[0]}` : ''})`,
    );
    const level: LevelResult = { concurrency, result, eventsPerRegistration: round(eventsPerRegistration, 2), cpu: cpuUse, postgresWaits };
    if (raw && rows.length) {
      progress(`  raw ceiling: the same ${fmt(rows.length)} rows by INSERT and the same messages by kafkajs, ${concurrency} at a time`);
      const ceiling = await raw.throughput(rows.slice(0, 20_000), concurrency);
      level.ceiling = ceiling;
      level.ceilingRegistrationsPerSecond = round(ceiling.slowestPerSecond / eventsPerRegistration);
      level.ratio = round(result.perSecond / level.ceilingRegistrationsPerSecond, 3);
      level.ratioToPgInsert = round(result.perSecond / (ceiling.pgInsertPerSecond / eventsPerRegistration), 3);
      progress(
        `  raw: INSERT ${fmt(ceiling.pgInsertPerSecond)} rows/s, produce ${fmt(ceiling.kafkaProducePerSecond)} msg/s, consume ${fmt(ceiling.kafkaConsumePerSecond)} msg/s → system/raw ${level.ratio}`,
      );
    }
    levels.push(level);
  }
  return levels;
};

type LagResult = { rate: number; requestedRate: number; seconds: number; registrations: LoadResult & { behindMs: number }; lag: Latency; lagSamples: number; catchUpBeforeMs: number; ceiling?: LatencyCeiling; ratioP50?: number; ratioP99?: number };

const lagPhase = async (target: Target, pool: Pool, raw: RawCeilings | undefined, lastId: string | undefined, bestPerSecond: number): Promise<LagResult> => {
  // A steady rate the system cannot sustain measures a growing queue, not a lag: then run at 70 % of the lowest throughput
  // the levels measured (throughput falls as the numbering stream grows, see README), and say so.
  const rate = bestPerSecond >= opts.lagRate ? opts.lagRate : Math.max(1, Math.floor(0.7 * bestPerSecond));
  if (rate !== opts.lagRate) progress(`${target.label}: ${opts.lagRate}/s is beyond the sustained throughput (${fmt(bestPerSecond)}/s): measuring the lag at ${rate}/s instead`);
  // First let the read model catch up with everything the throughput levels wrote.
  const t = performance.now();
  if (lastId) {
    progress(`${target.label}: waiting for the read model to catch up before the lag run`);
    await visible(target, lastId, t, () => true, 300_000);
  }
  const catchUpBeforeMs = performance.now() - t;
  progress(`${target.label}: intake-to-read-model lag at ${rate} registrations/s for ${opts.lagSeconds} s (every 2nd one followed)`);
  const head = await headPosition(pool);
  const lags: number[] = [];
  const registrations = await fixedRate(rate, opts.lagSeconds * 1000, async (i) => {
    const r = await register(target);
    if (i % 2 === 0) lags.push(await visible(target, r.id, r.at));
    return r.ms;
  });
  const lag = summarize(lags);
  progress(`  registration p50 ${fmt(registrations.latency.p50, 1)} ms p99 ${fmt(registrations.latency.p99, 1)} ms; lag p50 ${fmt(lag.p50)} ms, p99 ${fmt(lag.p99)} ms (${lags.length} followed, ${registrations.failed} failed)`);
  const result: LagResult = { rate, requestedRate: opts.lagRate, seconds: opts.lagSeconds, registrations, lag, lagSamples: lags.length, catchUpBeforeMs: round(catchUpBeforeMs) };
  if (raw) {
    progress(`  raw ceiling: the same rows INSERTed, produced and consumed at ${rate}/s`);
    const rows = await storedRows(pool, head);
    result.ceiling = await raw.latency(rows, rate, opts.lagSeconds * 1000);
    result.ratioP50 = round(lag.p50 / result.ceiling.latency.p50, 1);
    result.ratioP99 = round(lag.p99 / result.ceiling.latency.p99, 1);
    progress(`  raw: write → consumer p50 ${fmt(result.ceiling.latency.p50, 1)} ms, p99 ${fmt(result.ceiling.latency.p99, 1)} ms`);
  }
  return result;
};

type LifecycleResult = { workers: number; result: LoadResult; lifecyclesPerSecond: number; eventsPerLifecycle: number; retries: number; ceiling?: ThroughputCeiling; ceilingLifecyclesPerSecond?: number; ratio?: number };

const lifecyclePhase = async (target: Target, pool: Pool, raw: RawCeilings | undefined): Promise<LifecycleResult> => {
  progress(`five processes: whole lifecycles (register → triage → reply → plan → resolve → callback → closed), ${opts.lifecycleWorkers} at a time for ${opts.lifecycleSeconds} s`);
  let retries = 0;
  const DAY = 86_400_000;
  const step = async (path: string, body: unknown, username: string) => {
    for (let attempt = 0; ; attempt++) {
      const res = await http.request(target.baseUrl('POST', path), 'POST', path, await target.token(username), body);
      if (res.status === 201 || res.status === 202) return;
      // A service that has not yet seen the previous step through Kafka may refuse; try again shortly.
      if (attempt < 100 && [404, 409, 422].includes(res.status)) {
        retries++;
        await sleep(20);
        continue;
      }
      throw new Error(`POST ${path} → ${res.status} ${res.body.slice(0, 200)}`);
    }
  };
  const head = await headPosition(pool);
  const result = await closedLoop(opts.lifecycleWorkers, opts.lifecycleSeconds * 1000, async () => {
    const started = performance.now();
    const { id } = await register(target);
    await step(`/api/complaints/${id}/triage`, { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' }, ACTORS.duty.username);
    await step(`/api/complaints/${id}/replies`, { kind: 'first', message: '已安排电工明天上午维修', resolvedOnSpot: false, nextReplyDueAt: new Date(Date.now() + DAY).toISOString() }, ACTORS.handler.username);
    await step(`/api/complaints/${id}/plan`, { measures: '更换灯具并检查线路', dueAt: new Date(Date.now() + 2 * DAY).toISOString() }, ACTORS.handler.username);
    await step(
      `/api/complaints/${id}/resolve`,
      { resolution: '已更换灯具', rootCause: '灯具老化', responsibleDepartment: 'engineering', correctiveActions: '更换', preventiveActions: '每月巡检' },
      ACTORS.handler.username,
    );
    await step(`/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 2, comment: '满意' }, ACTORS.assistant.username);
    await visible(target, id, started, (v) => v.status === 'closed');
    return performance.now() - started;
  });
  const rows = await storedRows(pool, head);
  const eventsPerLifecycle = rows.length / Math.max(1, result.ok);
  progress(`  ${fmt(result.perSecond, 1)} lifecycles/s, each p50 ${fmt(result.latency.p50)} ms p99 ${fmt(result.latency.p99)} ms; ${fmt(eventsPerLifecycle, 1)} events each; ${retries} retried steps; ${result.failed} failed`);
  const out: LifecycleResult = { workers: opts.lifecycleWorkers, result, lifecyclesPerSecond: round(result.perSecond, 2), eventsPerLifecycle: round(eventsPerLifecycle, 2), retries };
  if (raw && rows.length) {
    out.ceiling = await raw.throughput(rows.slice(0, 20_000), opts.lifecycleWorkers);
    out.ceilingLifecyclesPerSecond = round(out.ceiling.slowestPerSecond / eventsPerLifecycle, 1);
    out.ratio = round(result.perSecond / out.ceilingLifecyclesPerSecond, 3);
  }
  return out;
};

const memoryOf = (processes: Record<string, number>) =>
  Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, { pid, ...(processMemory(pid) ?? { peakMiB: NaN, rssMiB: NaN }) }]));

// ---------------------------------------------------------------- the run
type Report = Record<string, unknown> & {
  machine: Record<string, unknown>;
  options: typeof opts;
  goals: typeof GOALS;
  fiveProcess?: { registration: LevelResult[]; lag: LagResult; lifecycle: LifecycleResult; memory: Record<string, { pid: number; peakMiB: number; rssMiB: number }>; intakeProfile?: ProfileSummary };
  embedded?: { registration: LevelResult[]; lag: LagResult; memory: Record<string, { pid: number; peakMiB: number; rssMiB: number }> };
  eventVolume?: EventVolumeResult;
  load?: { min: number; max: number; mean: number; samples: number };
  seconds?: number;
};

const main = async () => {
  const started = performance.now();
  const load = new LoadSampler();
  load.start();
  const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  const pgVersion = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  await admin.end();
  const report: Report = {
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model, node: process.version, postgresql: pgVersion, loadAverageAtStart: loadavg().map((l) => round(l, 2)) },
    options: opts,
    goals: GOALS,
  };
  progress(`machine: ${cpus().length} CPUs, PostgreSQL ${pgVersion}, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // Kafka: a broker of our own on free ports, in a throw-away data folder.
  const { startKafka } = createRequire(__filename)(join(workspaceRoot, 'infra/kafka/kafka-broker.cjs')) as typeof KafkaBrokerModule;
  const kafkaDir = mkdtempSync(join(tmpdir(), 'system-bench-kafka-'));
  const kafkaPort = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === kafkaPort) controllerPort = await freePort();
  progress(`starting a Kafka broker on 127.0.0.1:${kafkaPort} (data in ${kafkaDir})`);
  onCleanup('Kafka data folder', async () => rmSync(kafkaDir, { recursive: true, force: true }));
  const kafkaStarted = startKafka({ port: kafkaPort, controllerPort, dataDir: kafkaDir, fresh: true });
  onCleanup('Kafka broker', async () => (await kafkaStarted.catch(() => undefined))?.stop());
  const broker = await kafkaStarted;
  report.machine.kafka = `Apache Kafka ${broker.version} (pid ${broker.pid})`;
  progress(`Kafka ${broker.version} ready at ${broker.brokers.join(',')}`);

  // ---- five processes
  {
    const system = new FiveProcessSystem();
    const profileDir = join(workspaceRoot, 'tmp', 'bench-profiles');
    const intakeEnv: Record<string, string> = {};
    if (opts.profile) {
      mkdirSync(profileDir, { recursive: true });
      intakeEnv.NODE_OPTIONS = `--require ${join(__dirname, 'cpu-profile-hook.js')}`;
      intakeEnv.BENCH_CPU_PROFILE_DIR = profileDir;
    }
    progress('starting the five services as five processes (fresh database)');
    onCleanup('five service processes and their database', () => system.stop());
    await system.start(broker.brokers, { intake: intakeEnv });
    progress(`  ${system.describe()}`);
    const target: Target = {
      label: 'five processes',
      baseUrl: (method, path) => system.processes[system.route(method, path)].url,
      token: (username) => system.token({ username }),
      processes: () => Object.fromEntries(SERVICES.map((s) => [s, system.processes[s].pid])),
      databaseUrl: system.db.url,
    };
    const pool = new Pool({ connectionString: system.db.url, max: 2 });
    onCleanup('bench pool', () => pool.end());
    const raw = new RawCeilings(system.db.url, broker.brokers, system.topicPrefix);
    onCleanup('raw ceiling clients', () => raw.close());
    await raw.setup();
    const cpu = new CpuMeter(() => ({ ...Object.fromEntries(Object.entries(target.processes()).map(([n, p]) => [n, [p]])), kafka: [broker.pid] }));
    const top = Math.max(...opts.levels);
    const registration = await registrationLevels(target, pool, raw, cpu, (concurrency, phase) => {
      if (opts.profile && concurrency === top) process.kill(system.processes.intake.pid, 'SIGUSR2');
      if (opts.profile && concurrency === top && phase === 'end') progress('  intake CPU profile written');
    });
    const lastId = (await pool.query<{ id: string }>(`SELECT data->>'complaintId' AS id FROM event_store.events WHERE type = 'ComplaintRegistered' ORDER BY position DESC LIMIT 1`)).rows[0]?.id;
    const lag = await lagPhase(target, pool, raw, lastId, Math.min(...registration.map((l) => l.result.perSecond)));
    const lifecycle = await lifecyclePhase(target, pool, raw);
    const memory = memoryOf(target.processes());
    progress(`  memory (peak / now, MiB): ${Object.entries(memory).map(([n, m]) => `${n} ${fmt(m.peakMiB)} / ${fmt(m.rssMiB)}`).join(', ')}`);
    report.fiveProcess = { registration, lag, lifecycle, memory };
    if (opts.profile) {
      await sleep(1_000);
      const file = readdirSync(profileDir)
        .filter((f) => f === `${system.processes.intake.pid}.cpuprofile`)
        .map((f) => join(profileDir, f))[0];
      if (file) {
        report.fiveProcess.intakeProfile = summarizeProfile(file);
        progress(`  intake profile: ${file}`);
      }
    }
    await cleanUp(); // the broker too: nothing after this needs Kafka
    cleaning = undefined;
  }

  // ---- embedded default: one process, in-memory bus, same PostgreSQL server
  if (opts.embedded) {
    progress('starting the embedded default (apps/server: five services in one process, in-memory bus) on a fresh database');
    const db: TestDatabase = await createTestDatabase('bench_embedded');
    onCleanup('embedded database', () => db.drop());
    const dataDir = mkdtempSync(join(tmpdir(), 'system-bench-embedded-'));
    onCleanup('embedded data folder', async () => rmSync(dataDir, { recursive: true, force: true }));
    const server: ServiceProcess = await startServiceProcess('server', { DATABASE_URL: db.url, JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    onCleanup('embedded server process', () => server.stop());
    const tokens = new Map<string, string>();
    const target: Target = {
      label: 'embedded',
      baseUrl: () => server.url,
      token: async (username) => {
        const cached = tokens.get(username);
        if (cached) return cached;
        const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo1234' }) });
        if (res.status !== 200) throw new Error(`login ${username} → ${res.status}`);
        const { accessToken } = (await res.json()) as { accessToken: string };
        tokens.set(username, accessToken);
        return accessToken;
      },
      processes: () => ({ server: server.pid }),
      databaseUrl: db.url,
    };
    const pool = new Pool({ connectionString: db.url, max: 2 });
    onCleanup('embedded bench pool', () => pool.end());
    const cpu = new CpuMeter(() => ({ server: [server.pid] }));
    const registration = await registrationLevels(target, pool, undefined, cpu);
    // The ceilings for the embedded default: the five-process run's PostgreSQL INSERT figure at the same concurrency (no Kafka in this topology).
    for (const level of registration) {
      const same = report.fiveProcess?.registration.find((l) => l.concurrency === level.concurrency)?.ceiling;
      if (same) {
        level.ceilingRegistrationsPerSecond = round(same.pgInsertPerSecond / level.eventsPerRegistration);
        level.ratio = round(level.result.perSecond / level.ceilingRegistrationsPerSecond, 3);
        level.ratioToPgInsert = level.ratio;
      }
    }
    const lastId = (await pool.query<{ id: string }>(`SELECT data->>'complaintId' AS id FROM event_store.events WHERE type = 'ComplaintRegistered' ORDER BY position DESC LIMIT 1`)).rows[0]?.id;
    const lag = await lagPhase(target, pool, undefined, lastId, Math.min(...registration.map((l) => l.result.perSecond)));
    const memory = memoryOf(target.processes());
    progress(`  memory (peak / now, MiB): server ${fmt(memory.server.peakMiB)} / ${fmt(memory.server.rssMiB)}`);
    report.embedded = { registration, lag, memory };
    await cleanUp();
    cleaning = undefined;
  }

  // ---- a large event store: rebuild and verification
  if (opts.eventVolume) {
    const db = await createTestDatabase('bench_events');
    onCleanup('event-volume database', () => db.drop());
    report.eventVolume = await runEventVolume(db.url, opts.events);
  }

  report.load = load.stop();
  report.machine.loadAverageAtEnd = loadavg().map((l) => round(l, 2));
  report.seconds = round((performance.now() - started) / 1000);
  return report;
};

// ---------------------------------------------------------------- output
const ratio = (r: number | undefined) => (r === undefined ? '—' : r.toFixed(2));
const mark = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? 'met' : '**not met**');

const markdown = (r: Report): string => {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `Machine: ${String(m.nproc)} CPUs (${String(m.cpu)}), PostgreSQL ${String(m.postgresql)}, ${String(m.kafka ?? 'no Kafka')}, Node ${String(m.node)}; 1-minute load average ${r.load ? `${r.load.min}–${r.load.max} (mean ${r.load.mean})` : '—'} during the run; ${fmt(r.seconds)} s in all${r.options.quick ? ' (--quick)' : ''}.`,
    '',
  );
  out.push('| measurement | system | raw ceiling (same run) | system / raw | goal |', '|---|---:|---:|---:|---|');
  const fp = r.fiveProcess;
  const em = r.embedded;
  const best = (levels: LevelResult[] | undefined) => (levels?.length ? Math.max(...levels.map((l) => l.result.perSecond)) : undefined);
  for (const [label, levels] of [
    ['five processes', fp?.registration],
    ['embedded', em?.registration],
  ] as const) {
    for (const l of levels ?? []) {
      out.push(
        `| ${label}: registrations/s, ${l.concurrency} clients (p50 / p99 ms) | ${fmt(l.result.perSecond)} (${fmt(l.result.latency.p50, 1)} / ${fmt(l.result.latency.p99, 1)}) | ${fmt(l.ceilingRegistrationsPerSecond)} | ${ratio(l.ratio)} | ${l.concurrency === Math.max(...r.options.levels) ? `≥ ${fmt(r.goals.registrationsPerSecond)}: ${mark(l.result.perSecond >= r.goals.registrationsPerSecond)}` : ''} |`,
      );
    }
  }
  for (const [label, lag] of [
    ['five processes', fp?.lag],
    ['embedded', em?.lag],
  ] as const) {
    if (!lag) continue;
    out.push(
      `| ${label}: intake → read model lag at ${lag.rate}/s${lag.rate !== lag.requestedRate ? ` (${lag.requestedRate}/s not sustainable)` : ''}, p50 / p99 ms | ${fmt(lag.lag.p50)} / ${fmt(lag.lag.p99)} | ${lag.ceiling ? `${fmt(lag.ceiling.latency.p50, 1)} / ${fmt(lag.ceiling.latency.p99, 1)}` : '—'} | ${lag.ratioP50 !== undefined ? `${lag.ratioP50} / ${lag.ratioP99}` : '—'} | p99 ≤ ${r.goals.lagP99Ms} at ${lag.requestedRate}/s: ${lag.rate !== lag.requestedRate ? '**not met** (rate not sustainable)' : mark(lag.lag.p99 <= r.goals.lagP99Ms)} |`,
    );
  }
  if (fp?.lifecycle) {
    const l = fp.lifecycle;
    out.push(
      `| five processes: whole lifecycles/s, ${l.workers} at a time (p50 / p99 ms each) | ${fmt(l.lifecyclesPerSecond, 1)} (${fmt(l.result.latency.p50)} / ${fmt(l.result.latency.p99)}) | ${fmt(l.ceilingLifecyclesPerSecond, 1)} | ${ratio(l.ratio)} | |`,
    );
  }
  const ev = r.eventVolume;
  if (ev) {
    for (const b of ev.rebuilds) {
      out.push(`| rebuild ${b.projection}, events/s (${fmt(ev.events)} events) | ${fmt(b.eventsPerSecond)} | ${fmt(ev.copyRowsPerSecond)} COPY / ${fmt(ev.rawReadAllPerSecond)} read | ${ratio(b.eventsPerSecond / ev.copyRowsPerSecond)} / ${ratio(b.eventsPerSecond / ev.rawReadAllPerSecond)} | ≥ ${fmt(r.goals.rebuildEventsPerSecond)}: ${mark(b.eventsPerSecond >= r.goals.rebuildEventsPerSecond)} |`);
    }
    out.push(`| rebuild of all projections, one after another, events/s | ${fmt(ev.rebuildAll.eventsPerSecond)} | ${fmt(ev.copyRowsPerSecond)} COPY | ${ratio(ev.rebuildAll.eventsPerSecond / ev.copyRowsPerSecond)} | ≥ ${fmt(r.goals.rebuildEventsPerSecond)}: ${mark(ev.rebuildAll.eventsPerSecond >= r.goals.rebuildEventsPerSecond)} |`);
    const perMillion = (1_000_000 / ev.verification.eventsPerSecond).toFixed(0);
    out.push(
      `| hash-chain verification of ${fmt(ev.verification.streams)} streams, events/s (s per million) | ${fmt(ev.verification.eventsPerSecond)} (${perMillion} s) | ${fmt(ev.verification.readOnlyPerSecond)} read only | ${ratio(ev.verification.eventsPerSecond / ev.verification.readOnlyPerSecond)} | 1M ≤ ${r.goals.verifyMillionSeconds} s: ${mark(Number(perMillion) <= r.goals.verifyMillionSeconds)}; ${ev.verification.allValid ? 'all chains valid' : '**broken chains**'} |`,
    );
  }
  for (const [label, memory] of [
    ['five processes', fp?.memory],
    ['embedded', em?.memory],
  ] as const) {
    for (const [name, mem] of Object.entries(memory ?? {})) {
      // A service process: ≤ 256 MiB; the embedded server runs all five in one process: ≤ 400 MiB.
      const goal = label === 'embedded' ? r.goals.embeddedRssMiB : r.goals.serviceRssMiB;
      out.push(`| ${label}: ${name} resident MiB, peak (VmHWM) / at end | ${fmt(mem.peakMiB)} / ${fmt(mem.rssMiB)} | | | ≤ ${goal}: ${mark(mem.peakMiB <= goal)} |`);
    }
  }
  out.push('', `Best registration throughput: five processes ${fmt(best(fp?.registration))}/s, embedded ${fmt(best(em?.registration))}/s.`);
  if (fp) {
    const cpuTop = fp.registration[fp.registration.length - 1];
    if (cpuTop) {
      out.push(
        '',
        `CPU seconds during the ${cpuTop.concurrency}-client level (${cpuTop.cpu.wallSeconds} s wall, ${String(m.nproc)} cores): ${Object.entries(cpuTop.cpu.cpuSeconds)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}.`,
        '',
        `PostgreSQL backends during that level (% of 20 Hz samples): ${cpuTop.postgresWaits.map((w) => `${w.what} ${w.percent} %`).join('; ')}.`,
      );
    }
    if (fp.intakeProfile) {
      out.push('', `Intake CPU profile at that level (${fp.intakeProfile.seconds} s, idle ${fp.intakeProfile.idlePercent} %), self time by package: ${fp.intakeProfile.byPackage.map((p) => `${p.name} ${p.percent} %`).join(', ')}.`);
    }
  }
  return out.join('\n');
};

main().then(
  async (report) => {
    await cleanUp();
    http.close();
    const json = JSON.stringify(report, null, 2);
    if (opts.json) writeFileSync(opts.json, `${json}\n`);
    process.stdout.write(`${json}\n\n${markdown(report)}\n`);
    process.exit(0);
  },
  async (error: unknown) => {
    process.stderr.write(`system bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await cleanUp();
    process.exit(1);
  },
);
