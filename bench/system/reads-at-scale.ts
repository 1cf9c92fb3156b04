/**
 * Reads at scale (pipeline issue, "Reads at scale"): the read endpoints' latency through
 * HTTP against the embedded server, on a store of N complaints (default 1,000,000).
 *
 * How the store is made, quickly and from the system's own code:
 *   1. Templates: `--templates` complaint histories (default 10,000) from the domain's real
 *      decider (the reporting bench's story generator), over 40 sites and one month,
 *      hash-chained as the services write them and COPYed into the event store.
 *   2. The embedded server is started on that store: the reporting projections build their
 *      rows from those events with their own code (no checkpoint yet → rebuild), and every
 *      other consumer applies them; the run waits until all stand at the store's head, then
 *      stops the server.
 *   3. Copies: each template complaint is copied inside PostgreSQL (`INSERT … SELECT` with
 *      `generate_series`) until there are N complaints — its events (new event and stream
 *      ids, the complaint id in the data replaced, recorded times shifted) and its rows of
 *      every reporting read model (new ids, `number` suffixed, every timestamp column and the
 *      deadlines shifted). Copy k is shifted by k mod 24 months, so the complaints spread
 *      over two years of 40 sites. What a copy does not change: the times inside the
 *      `state` document the view shows (only its id and number are replaced), and the
 *      copied events' hash chains (their ids and times changed, so they do not verify; the
 *      verification bench covers chains). Every consumer and projection checkpoint is then
 *      set to the new head (the copies are history, not work to do).
 *   4. VACUUM ANALYZE of the read models, the server started again, and each endpoint timed
 *      one request at a time after a warm-up (p50 / p99).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { chainEvents, GENESIS_HASH, PostgresEventStore } from '@complaints/event-store';
import { createTestDatabase, startServiceProcess, type ServiceProcess, type TestDatabase } from '@complaints/testing';
import { commandsInTimeOrder, generateStories } from '../../libs/services/reporting/src/testing/story-generator';
import { HttpClient } from './load';
import { fmt, progress, round, sleep, summarize, type Latency } from './measure';

export type ReadsOptions = {
  complaints: number;
  templates: number;
  /** Requests per endpoint (the monthly reports: a tenth, at least 10; the group roll-up: at least 5). */
  runs: number;
  /** Copy the events too (the store's size); without, only the read models are copied. */
  events: boolean;
  jwtSecret: string;
  /** A database a run before kept (BENCH_KEEP_DATABASE=1): measure it again, nothing made. */
  database?: string;
};

export type EndpointResult = { name: string; path: string; target: number; latency: Latency; met: boolean; error?: string };

export type ReadsResult = {
  complaints: number;
  events: number;
  templates: number;
  sites: number;
  months: number;
  databaseSizeGiB: number;
  seconds: { templates: number; projections: number; copies: number; vacuum: number; measure: number };
  endpoints: EndpointResult[];
};

const SITE_COUNT = 40;
const MONTHS = 24;
const START = '2024-01-01T00:00:00.000Z';
const SITES = Array.from({ length: SITE_COUNT }, (_, i) => (i === 0 ? 'site-a' : i === 1 ? 'site-b' : `site-${String(i + 1).padStart(2, '0')}`));
/** The read-model tables copied per complaint: the key column naming the complaint. */
const READ_MODELS: { table: string; key: string }[] = [
  { table: 'reporting.complaint_view', key: 'id' },
  { table: 'reporting.dashboard_case', key: 'id' },
  { table: 'reporting.report_complaint', key: 'id' },
  { table: 'reporting.report_fact', key: 'complaint_id' },
];

const copyText = (value: string) => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const newId = (column: string) => `md5(${column}::text || ':' || k)::uuid`;

/** The SELECT list that copies one row of `table` as copy k, shifted by `sh` (column by column, from the catalogue). */
const copyColumns = async (pool: Pool, table: string, key: string): Promise<{ columns: string[]; select: string[] }> => {
  const [schema, name] = table.split('.');
  const { rows } = await pool.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, name],
  );
  const select = rows.map(({ column_name: c, data_type: type }) => {
    const col = `t.${c}`;
    if (c === key) return newId(col);
    if (c === 'number') return `${col} || '-' || k`;
    if (c === 'state') return `(${col}::jsonb || jsonb_build_object('id', ${newId(`t.${key}`)}, 'number', t.number || '-' || k))::${type === 'json' ? 'json' : 'jsonb'}`;
    if (c === 'deadlines')
      return `(SELECT coalesce(jsonb_object_agg(d.key, CASE WHEN d.value #>> '{}' ~ '^\\d{4}-' THEN to_jsonb((d.value #>> '{}')::timestamptz + sh) ELSE d.value END), '{}'::jsonb) FROM jsonb_each(${col}) d)`;
    if (type === 'timestamp with time zone') return `${col} + sh`;
    return col;
  });
  return { columns: rows.map((r) => r.column_name), select };
};

const waitUntilCaughtUp = async (pool: Pool, head: bigint, timeoutMs: number): Promise<void> => {
  const started = Date.now();
  for (;;) {
    const { rows: tables } = await pool.query<{ t: string }>(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_name IN ('projection_checkpoints', 'consumer_checkpoints')`,
    );
    const behind: string[] = [];
    for (const { t } of tables) {
      const { rows } = await pool.query<{ name: string; position: string }>(`SELECT ${t.endsWith('projection_checkpoints') ? 'name' : "group_id || '/' || topic"} AS name, position::text FROM ${t}`);
      for (const r of rows) if (BigInt(r.position) < head) behind.push(`${t} ${r.name} at ${r.position}`);
      if (t.endsWith('projection_checkpoints') && rows.length === 0) behind.push(`${t}: no projection yet`);
    }
    if (tables.length > 0 && behind.length === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`the consumers did not catch up with ${head} in ${timeoutMs / 1000} s: ${behind.join('; ')}`);
    await sleep(1_000);
  }
};

/** Steps 1–3: templates, their projections, the copies (see the file's comment). */
const makeStore = async (pool: Pool, options: ReadsOptions, env: Record<string, string>, seconds: ReadsResult['seconds']): Promise<{ templates: number }> => {
  let server: ServiceProcess | undefined;
  try {
    let t = performance.now();
    const store = new PostgresEventStore({ pool });
    await store.migrate();
    const stories = generateStories({ count: options.templates, seed: 7, sites: SITES, start: START, spanDays: 30 });
    const lastHash = new Map<string, string>();
    const revisions = new Map<string, number>();
    const rows: string[] = [];
    for (const { story, command } of commandsInTimeOrder(stories)) {
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
    const client = await pool.connect();
    try {
      await pipeline(Readable.from(rows), client.query(copyFrom(`COPY event_store.events (event_id, stream_id, stream_revision, type, data, metadata, recorded_at) FROM STDIN`)));
    } finally {
      client.release();
    }
    const templateEvents = rows.length;
    seconds.templates = round((performance.now() - t) / 1000, 1);
    progress(`reads: ${fmt(stories.length)} template complaints, ${fmt(templateEvents)} events from the domain decider, COPYed (${seconds.templates} s)`);

    // 2. The server builds the read models from them with its own projections.
    t = performance.now();
    server = await startServiceProcess('server', env, { healthTimeoutMs: 600_000 });
    const head = BigInt((await pool.query<{ h: string }>('SELECT max(position)::text AS h FROM event_store.events')).rows[0].h);
    await waitUntilCaughtUp(pool, head, 900_000);
    await server.stop();
    server = undefined;
    seconds.projections = round((performance.now() - t) / 1000, 1);
    progress(`reads: projections and consumers caught up with the templates (${seconds.projections} s)`);

    // 3. Copies inside PostgreSQL.
    t = performance.now();
    const copies = Math.ceil(options.complaints / stories.length);
    const templateCount = Number((await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM reporting.complaint_view')).rows[0].n);
    const statements = await Promise.all(
      READ_MODELS.map(async ({ table, key }) => {
        const { columns, select } = await copyColumns(pool, table, key);
        return {
          table,
          sql: `INSERT INTO ${table} (${columns.join(', ')})
                SELECT ${select.join(', ')} FROM ${table} t, generate_series($1::int, $2::int) k, LATERAL (SELECT make_interval(months => k % ${MONTHS}) AS sh) s
                 WHERE t.${key} = ANY ($3::uuid[])`,
        };
      }),
    );
    const templateIds = (await pool.query<{ id: string }>('SELECT id::text FROM reporting.complaint_view')).rows.map((r) => r.id);
    const eventSql = `INSERT INTO event_store.events (event_id, stream_id, stream_revision, type, data, metadata, recorded_at)
      SELECT ${newId('e.event_id')}, 'complaint-' || md5(substr(e.stream_id, 11) || ':' || k)::uuid, e.stream_revision, e.type,
             CASE WHEN e.data ? 'complaintId' THEN jsonb_set(e.data, '{complaintId}', to_jsonb(md5((e.data->>'complaintId') || ':' || k)::uuid::text)) ELSE e.data END,
             e.metadata, e.recorded_at + make_interval(months => k % ${MONTHS})
        FROM event_store.events e, generate_series($1::int, $2::int) k
       WHERE e.position <= $3 AND e.stream_id LIKE 'complaint-%'
       ORDER BY k, e.position`;
    // Short transactions: readers of the event store (everywhere on the server) see only events
    // below the oldest running transaction, so a copy statement running for a minute would hold
    // every subscription on the server back for that minute. At most 10,000 complaints per statement.
    const chunk = Math.max(1, Math.floor(10_000 / Math.max(1, templateCount)));
    for (let from = 1; from < copies; from += chunk) {
      const to = Math.min(copies - 1, from + chunk - 1);
      for (const s of statements) await pool.query(s.sql, [from, to, templateIds]);
      if (options.events) await pool.query(eventSql, [from, to, head.toString()]);
      if (to === copies - 1 || Math.floor(to / 20) > Math.floor((from - 1) / 20)) progress(`reads: copies up to ${to} of ${copies - 1} written (${round((performance.now() - t) / 1000)} s)`);
    }
    const newHead = (await pool.query<{ h: string }>('SELECT max(position)::text AS h FROM event_store.events')).rows[0].h;
    const { rows: checkpointTables } = await pool.query<{ t: string }>(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_name IN ('projection_checkpoints', 'consumer_checkpoints', 'relay_checkpoints')`,
    );
    for (const { t: table } of checkpointTables) await pool.query(`UPDATE ${table} SET position = $1`, [newHead]);
    seconds.copies = round((performance.now() - t) / 1000, 1);
    t = performance.now();
    for (const { table } of READ_MODELS) await pool.query(`VACUUM ANALYZE ${table}`);
    await pool.query('ANALYZE event_store.events');
    seconds.vacuum = round((performance.now() - t) / 1000, 1);
    return { templates: stories.length };
  } finally {
    await server?.stop().catch(() => undefined);
  }
};

export const runReadsAtScale = async (options: ReadsOptions): Promise<ReadsResult> => {
  const started = performance.now();
  const seconds = { templates: 0, projections: 0, copies: 0, vacuum: 0, measure: 0 };
  const db: TestDatabase = options.database ? { url: options.database, name: new URL(options.database).pathname.slice(1), drop: async () => undefined } : await createTestDatabase('bench_reads');
  const dataDir = mkdtempSync(join(tmpdir(), 'reads-bench-'));
  const pool = new Pool({ connectionString: db.url, max: 3 });
  pool.on('error', () => undefined);
  let server: ServiceProcess | undefined;
  const http = new HttpClient();
  const env = {
    DATABASE_URL: db.url,
    JWT_SECRET: options.jwtSecret,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
    SITES_JSON: JSON.stringify(SITES.map((id, i) => ({ id, name: `小区 ${i + 1}`, regionId: `region-${(i % 4) + 1}`, timeZone: 'Asia/Shanghai' }))),
  };
  try {
    let t = performance.now();
    const made = options.database ? undefined : await makeStore(pool, options, env, seconds);
    const templates = made?.templates ?? 0;
    const complaints = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM reporting.complaint_view')).rows[0].n);
    const events = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events')).rows[0].n);
    const databaseSizeGiB = round(Number((await pool.query<{ s: string }>('SELECT pg_database_size(current_database()) AS s')).rows[0].s) / 2 ** 30, 2);
    progress(`reads: ${fmt(complaints)} complaints, ${fmt(events)} events, ${databaseSizeGiB} GiB (copies ${seconds.copies} s, vacuum ${seconds.vacuum} s)`);

    // 4. Measure through HTTP.
    t = performance.now();
    server = await startServiceProcess('server', env, { healthTimeoutMs: 600_000 });
    const login = async (username: string) => {
      const res = await fetch(`${server?.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo1234' }) });
      if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    const leader = await login('leader');
    const manager = await login('csmanager.a');
    const ids = (await pool.query<{ id: string }>(`SELECT id::text FROM reporting.complaint_view TABLESAMPLE SYSTEM (1) LIMIT 2000`)).rows.map((r) => r.id);
    const lastMonth = new Date(Date.parse(START));
    lastMonth.setUTCMonth(lastMonth.getUTCMonth() + MONTHS - 1);
    const month = lastMonth.toISOString().slice(0, 7);
    const months = Array.from({ length: MONTHS }, (_, i) => {
      const d = new Date(Date.parse(START));
      d.setUTCMonth(d.getUTCMonth() + i);
      return d.toISOString().slice(0, 7);
    });
    const site = (i: number) => SITES[i % SITES.length];
    const endpoints: { name: string; target: number; runs: number; token: string; path: (i: number) => string }[] = [
      { name: 'list: site, newest first, page 1', target: 100, runs: options.runs, token: leader, path: (i) => `/api/complaints?siteId=${site(i)}` },
      { name: 'list: whole group, newest first', target: 100, runs: options.runs, token: leader, path: () => `/api/complaints` },
      { name: 'list: site + status + department', target: 100, runs: options.runs, token: leader, path: (i) => `/api/complaints?siteId=${site(i)}&status=closed&department=engineering` },
      { name: 'list: site, page 50', target: 100, runs: options.runs, token: leader, path: (i) => `/api/complaints?siteId=${site(i)}&page=50` },
      { name: 'list: site, one month (from/to)', target: 100, runs: options.runs, token: leader, path: (i) => `/api/complaints?siteId=${site(i)}&from=${months[i % MONTHS]}-01T00:00:00Z&to=${months[(i % MONTHS) + 1] ?? '2026-01'}-01T00:00:00Z` },
      { name: 'list: site, overdue', target: 100, runs: options.runs, token: leader, path: (i) => `/api/complaints?siteId=${site(i)}&overdue=true` },
      { name: 'list: site, q=电梯经常停运 (trigram)', target: 100, runs: options.runs, token: leader, path: (i) => `/api/complaints?siteId=${site(i)}&q=${encodeURIComponent('电梯经常停运')}` },
      { name: 'list: site, q=漏水 (2 characters)', target: 100, runs: options.runs, token: leader, path: (i) => `/api/complaints?siteId=${site(i)}&q=${encodeURIComponent('漏水')}` },
      { name: 'list: group, q=门禁刷卡 (trigram)', target: 100, runs: options.runs, token: leader, path: () => `/api/complaints?q=${encodeURIComponent('门禁刷卡')}` },
      { name: 'list: own site (CS centre manager)', target: 100, runs: options.runs, token: manager, path: () => `/api/complaints?status=resolved` },
      { name: 'view', target: 100, runs: options.runs, token: leader, path: (i) => `/api/complaints/${ids[i % ids.length]}` },
      { name: 'department dashboard: site + department', target: 100, runs: options.runs, token: leader, path: (i) => `/api/dashboards/department?siteId=${site(i)}&department=engineering` },
      { name: 'department dashboard: whole site', target: 100, runs: options.runs, token: leader, path: (i) => `/api/dashboards/department?siteId=${site(i)}` },
      { name: 'monthly report JSON: one site', target: 1_000, runs: Math.max(10, Math.floor(options.runs / 10)), token: leader, path: (i) => `/api/reports/monthly?siteId=${site(i)}&month=${months[i % MONTHS]}&format=json` },
      { name: `monthly report JSON: group roll-up (${SITE_COUNT} sites)`, target: 5_000, runs: Math.max(5, Math.floor(options.runs / 40)), token: leader, path: (i) => `/api/reports/monthly?month=${i % 2 ? month : months[MONTHS - 2]}&format=json` },
    ];
    const results: EndpointResult[] = [];
    for (const endpoint of endpoints) {
      // An endpoint that fails (an error status, no answer in 30 s) is reported as such; the others are still measured.
      try {
        for (let i = 0; i < 3; i++) {
          const warm = await http.request(server.url, 'GET', endpoint.path(i + 1000), endpoint.token);
          if (warm.status !== 200) throw new Error(`GET ${endpoint.path(i + 1000)} answered ${warm.status} ${warm.body.slice(0, 300)}`);
        }
        const samples: number[] = [];
        for (let i = 0; i < endpoint.runs; i++) {
          const res = await http.request(server.url, 'GET', endpoint.path(i), endpoint.token);
          if (res.status !== 200) throw new Error(`GET ${endpoint.path(i)} answered ${res.status} ${res.body.slice(0, 300)}`);
          samples.push(res.ms);
        }
        const latency = summarize(samples);
        results.push({ name: endpoint.name, path: endpoint.path(0), target: endpoint.target, latency, met: latency.p99 <= endpoint.target });
        progress(`reads: ${endpoint.name.padEnd(48)} p50 ${fmt(latency.p50, 1).padStart(8)} ms  p99 ${fmt(latency.p99, 1).padStart(8)} ms  (${latency.count} requests; target p99 ≤ ${fmt(endpoint.target)} ms)`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        results.push({ name: endpoint.name, path: endpoint.path(0), target: endpoint.target, latency: summarize([]), met: false, error: message });
        progress(`reads: ${endpoint.name.padEnd(48)} FAILED: ${message}`);
      }
    }
    seconds.measure = round((performance.now() - t) / 1000, 1);
    progress(`reads: done in ${round((performance.now() - started) / 1000)} s`);
    return { complaints, events, templates, sites: SITE_COUNT, months: MONTHS, databaseSizeGiB, seconds, endpoints: results };
  } finally {
    http.close();
    await server?.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    if (!process.env.BENCH_KEEP_DATABASE) await db.drop().catch(() => undefined);
    else progress(`reads: database kept: ${db.url}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
};

export const readsMarkdown = (r: ReadsResult): string =>
  [
    `Reads at scale: ${fmt(r.complaints)} complaints, ${fmt(r.events)} events (${fmt(r.templates)} decider-made templates copied; ${r.sites} sites, ${r.months} months), database ${r.databaseSizeGiB} GiB.`,
    '',
    '| endpoint | p50 ms | p99 ms | target p99 | |',
    '|---|---:|---:|---:|---|',
    ...r.endpoints.map((e) => `| ${e.name} | ${e.error ? '—' : fmt(e.latency.p50, 1)} | ${e.error ? e.error : fmt(e.latency.p99, 1)} | ≤ ${fmt(e.target)} ms | ${e.met ? 'met' : '**not met**'} |`),
  ].join('\n');
