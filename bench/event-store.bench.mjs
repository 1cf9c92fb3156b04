#!/usr/bin/env node
// Event-store benchmark (issue 3) — not a test, never run by `npm test`.
//
//   npm run bench:event-store                 # builds, then runs with the defaults
//   node -r ./tools/runtime-paths.cjs bench/event-store.bench.mjs --events 40000 --json out.json
//
// Measures the PostgreSQL adapter (PostgresEventStore, compiled under dist/) against raw
// SQL on the same server in the same run:
//   append, 1 writer and 8 writers — 1–3 events per append, exact expected revision,
//     hash chain via chainEvents, into many `complaint-<uuid>` streams (as the services do)
//     vs. one multi-row INSERT of the very same rows per append into a plain table;
//   read-all — paging readAll({ after, maxCount: 500 }) through everything
//     vs. keyset-paged SELECTs of 500 from the plain table;
//   COPY of the same rows (upper bound), when pg-copy-streams is installed;
//   a peer: the very same chained events appended (1 and 8 writers, exact expected
//     version) through Emmett's PostgreSQL event store (@event-driven-io/emmett-postgresql,
//     a bench-only dependency) on the same server, and every stream read back through both.
// The server: TEST_DATABASE_URL, DATABASE_URL, or postgres://postgres@127.0.0.1:5432/postgres.
// It creates a database of its own there and drops it at the end.
import { createRequire } from 'node:module';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const require = createRequire(import.meta.url);
let store;
try {
  store = require('@complaints/event-store');
} catch (error) {
  console.error(`bench: cannot load @complaints/event-store from dist/ (${error.message}).\nRun it as \`npm run bench:event-store\`, or \`npm run build\` and then node -r ./tools/runtime-paths.cjs bench/event-store.bench.mjs`);
  process.exit(1);
}
const { PostgresEventStore, chainEvents, GENESIS_HASH } = store;
const { Client, Pool } = require('pg');

// ---------- options ----------
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const EVENTS = Number(arg('events', process.env.BENCH_EVENTS ?? 20_000));
const EVENTS_PER_STREAM = 12;
const PAGE = 500;
const JSON_OUT = arg('json', undefined);
const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `bench_es_${randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

// ---------- progress ----------
const tty = process.stderr.isTTY;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const progress = (label, total) => {
  const started = performance.now();
  let done = 0;
  let lastLine = 0;
  const draw = (final = false) => {
    const s = (performance.now() - started) / 1000;
    const line = `  ${label.padEnd(50)} ${fmt(done).padStart(7)}/${fmt(total)}  ${fmt(done / Math.max(s, 1e-6)).padStart(7)} ev/s  ${s.toFixed(1)} s`;
    if (tty) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
    else if (final || performance.now() - lastLine > 2_000) {
      process.stderr.write(`${line}\n`);
      lastLine = performance.now();
    }
  };
  const timer = setInterval(() => done < total && draw(), tty ? 200 : 500);
  return {
    add: (n) => (done += n),
    finish: () => {
      clearInterval(timer);
      draw(true);
      return (performance.now() - started) / 1000;
    },
  };
};

// ---------- workload ----------
const SITES = ['site-huayuan', 'site-jinxiu', 'site-binjiang', 'site-xinghe'];
const TYPES = ['ComplaintRegistered', 'ComplaintTriaged', 'HandlerAssigned', 'FirstReplyGiven', 'PlanRecorded', 'ProgressNoted', 'ComplaintResolved', 'CallbackRecorded'];
const eventFor = (streamIndex, revision) => ({
  id: randomUUID(),
  type: TYPES[Math.min(revision, TYPES.length - 1)],
  data: {
    siteId: SITES[streamIndex % SITES.length],
    channel: revision % 2 ? 'phone' : 'wechat',
    complainant: { name: `业主${streamIndex}`, phone: `1380013${String(streamIndex % 10_000).padStart(4, '0')}`, building: String(1 + (streamIndex % 12)), unit: String(1000 + revision) },
    title: `楼道灯不亮 #${streamIndex}`,
    description: `${1 + (streamIndex % 30)}号楼楼道灯坏了一周，晚上看不见路，请尽快处理。第${revision}次记录。`,
    householdCount: 1 + (revision % 3),
  },
  metadata: {
    actor: { id: `u-${streamIndex % 40}`, role: 'cs_assistant' },
    occurredAt: new Date(Date.UTC(2026, 0, 5, 1, 0, revision)).toISOString(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
  },
});

/**
 * The appends of one run: every stream gets EVENTS_PER_STREAM events in batches of 1–3,
 * and each writer owns the streams i % writers === w (a stream has one writer at a time,
 * like a complaint handled by one command at a time).
 */
const plan = (events, writers) => {
  const streamCount = Math.ceil(events / EVENTS_PER_STREAM);
  const perWriter = Array.from({ length: writers }, () => []);
  let planned = 0;
  for (let i = 0; i < streamCount; i++) {
    const id = `complaint-${randomUUID()}`;
    const count = Math.min(EVENTS_PER_STREAM, events - planned);
    planned += count;
    const batches = [];
    for (let rev = 0; rev < count; ) {
      const size = Math.min(1 + ((i + rev) % 3), count - rev);
      batches.push(Array.from({ length: size }, (_, k) => eventFor(i, rev + k)));
      rev += size;
    }
    perWriter[i % writers].push({ id, batches });
  }
  // A writer interleaves its streams (round-robin), so appends hit many streams.
  return perWriter.map((streams) => {
    const appends = [];
    for (let round = 0; streams.some((s) => round < s.batches.length); round++) {
      for (const s of streams) if (round < s.batches.length) appends.push({ streamId: s.id, first: round === 0, events: s.batches[round] });
    }
    return appends;
  });
};

// ---------- measured runs ----------
/** Event store: chain, append with the exact expected revision. Returns the rows written, for the raw replay. */
const appendThroughStore = async (es, perWriter, label, headsByWriter = perWriter.map(() => new Map())) => {
  const total = perWriter.flat().reduce((n, a) => n + a.events.length, 0);
  const bar = progress(label, total);
  const written = perWriter.map(() => []);
  await Promise.all(
    perWriter.map(async (appends, w) => {
      const heads = headsByWriter[w];
      for (const a of appends) {
        const head = heads.get(a.streamId) ?? { revision: -1n, hash: GENESIS_HASH };
        const chained = chainEvents(head.hash, a.events);
        const result = await es.appendToStream(a.streamId, chained, { expectedRevision: a.first ? 'no_stream' : head.revision });
        heads.set(a.streamId, { revision: result.nextExpectedRevision, hash: chained[chained.length - 1].metadata.hash });
        written[w].push({ streamId: a.streamId, firstRevision: result.nextExpectedRevision - BigInt(chained.length) + 1n, events: chained });
        bar.add(chained.length);
      }
    }),
  );
  return { seconds: bar.finish(), events: total, written };
};

/** Raw SQL: the same rows, one multi-row INSERT per append, same number of concurrent connections. */
const insertRaw = async (pool, written, label) => {
  const total = written.flat().reduce((n, a) => n + a.events.length, 0);
  const bar = progress(label, total);
  await Promise.all(
    written.map(async (appends) => {
      for (const a of appends) {
        await pool.query(
          `INSERT INTO raw.events (event_id, stream_id, stream_revision, type, data, metadata)
           SELECT u.id, $2, $3::bigint + u.ord - 1, u.type, u.data, u.metadata
             FROM unnest($1::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS u(id, type, data, metadata, ord)`,
          [
            a.events.map((e) => e.id),
            a.streamId,
            a.firstRevision.toString(),
            a.events.map((e) => e.type),
            a.events.map((e) => JSON.stringify(e.data)),
            a.events.map((e) => JSON.stringify(e.metadata)),
          ],
        );
        bar.add(a.events.length);
      }
    }),
  );
  return { seconds: bar.finish(), events: total };
};

/** COPY of the same rows through one connection (pg-copy-streams, if installed). */
const copyRaw = async (pool, written, label) => {
  let copyFrom;
  try {
    ({ from: copyFrom } = require('pg-copy-streams'));
  } catch {
    return undefined;
  }
  const rows = written.flat().flatMap((a) => a.events.map((e, k) => [e.id, a.streamId, (a.firstRevision + BigInt(k)).toString(), e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]));
  const escape = (v) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  const bar = progress(label, rows.length);
  const client = await pool.connect();
  try {
    const stream = client.query(copyFrom('COPY raw.events_copy (event_id, stream_id, stream_revision, type, data, metadata) FROM STDIN'));
    const finished = new Promise((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    for (let i = 0; i < rows.length; i += 1_000) {
      const chunk = rows.slice(i, i + 1_000);
      if (!stream.write(chunk.map((r) => r.map(escape).join('\t')).join('\n') + '\n')) await new Promise((r) => stream.once('drain', r));
      bar.add(chunk.length);
    }
    stream.end();
    await finished;
  } finally {
    client.release();
  }
  return { seconds: bar.finish(), events: rows.length };
};

const readAllThroughStore = async (es, total, label) => {
  const bar = progress(label, total);
  let after;
  let read = 0;
  for (;;) {
    const page = await es.readAll({ after, maxCount: PAGE });
    if (page.length === 0) break;
    read += page.length;
    bar.add(page.length);
    after = page[page.length - 1].position;
  }
  return { seconds: bar.finish(), events: read };
};

const readRaw = async (pool, total, label) => {
  const bar = progress(label, total);
  let after = '0';
  let read = 0;
  for (;;) {
    const { rows } = await pool.query(
      `SELECT position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at FROM raw.events WHERE position > $1 ORDER BY position LIMIT ${PAGE}`,
      [after],
    );
    if (rows.length === 0) break;
    read += rows.length;
    bar.add(rows.length);
    after = rows[rows.length - 1].position;
  }
  return { seconds: bar.finish(), events: read };
};

/** Emmett's PostgreSQL event store, if installed (a devDependency used by this bench only). */
const loadEmmett = async () => {
  try {
    const [{ getPostgreSQLEventStore }, { STREAM_DOES_NOT_EXIST }] = await Promise.all([import('@event-driven-io/emmett-postgresql'), import('@event-driven-io/emmett')]);
    return { getPostgreSQLEventStore, STREAM_DOES_NOT_EXIST };
  } catch (error) {
    console.error(`bench: Emmett not loaded (${error.message.split('\n')[0]}); its rows are left out`);
    return undefined;
  }
};

/** The rows our store wrote, appended again through Emmett with the same concurrency and expected versions. */
const appendThroughEmmett = async (emmett, store, written, label, versions) => {
  const total = written.flat().reduce((n, a) => n + a.events.length, 0);
  const bar = progress(label, total);
  await Promise.all(
    written.map(async (appends, w) => {
      for (const a of appends) {
        const current = versions[w].get(a.streamId);
        const result = await store.appendToStream(
          a.streamId,
          a.events.map((e) => ({ type: e.type, data: e.data, metadata: { ...e.metadata, eventId: e.id } })),
          { expectedStreamVersion: current === undefined ? emmett.STREAM_DOES_NOT_EXIST : current },
        );
        versions[w].set(a.streamId, result.nextExpectedStreamVersion);
        bar.add(a.events.length);
      }
    }),
  );
  return { seconds: bar.finish(), events: total };
};

/** Every stream read back whole, 8 readers at a time. */
const readStreamsBack = async (read, streamIds, total, label) => {
  const bar = progress(label, total);
  let next = 0;
  let events = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < streamIds.length) {
        const n = await read(streamIds[next++]);
        events += n;
        bar.add(n);
      }
    }),
  );
  return { seconds: bar.finish(), events };
};

// ---------- main ----------
const admin = async (sql) => {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
};

let created = false;
const dropDatabase = async () => {
  if (!created) return;
  created = false;
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((error) => console.error(`bench: could not drop ${dbName}: ${error.message}`));
};
process.once('SIGINT', () => dropDatabase().finally(() => process.exit(130)));

const main = async () => {
  const version = (await admin('SHOW server_version')).rows[0].server_version;
  await admin(`CREATE DATABASE ${dbName}`);
  created = true;
  const pool = new Pool({ connectionString: dbUrl, max: 10 });
  // Dropping the database at the end (also after a failure) ends idle connections.
  pool.on('error', () => undefined);
  const es = new PostgresEventStore({ pool });
  await es.migrate();
  // The plain table: the same columns, a bigserial primary key, nothing else (no function,
  // no lock, no expected-revision check, no unique indexes on event id or stream revision).
  await pool.query(`
    CREATE SCHEMA raw;
    CREATE TABLE raw.events (
      position bigserial PRIMARY KEY, event_id uuid NOT NULL, stream_id text NOT NULL, stream_revision bigint NOT NULL,
      type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT clock_timestamp());
    CREATE TABLE raw.events_copy (LIKE raw.events INCLUDING ALL);`);

  const loadAtStart = loadavg()[0];
  console.error(
    `bench: event store vs raw SQL — ${fmt(EVENTS)} events per append run, PostgreSQL ${version}, ${cpus().length} CPUs, load average ${loadAtStart.toFixed(2)}, database ${dbName}`,
  );
  const results = [];
  const row = (name, storeRun, rawRun, extra = {}) => {
    const storeRate = storeRun.events / storeRun.seconds;
    const rawRate = rawRun.events / rawRun.seconds;
    results.push({ name, events: storeRun.events, eventStore: { seconds: +storeRun.seconds.toFixed(3), eventsPerSecond: Math.round(storeRate) }, raw: { seconds: +rawRun.seconds.toFixed(3), eventsPerSecond: Math.round(rawRate) }, ratio: +(storeRate / rawRate).toFixed(3), ...extra });
  };

  // Warm-up (not measured): JIT, connections, plans.
  {
    const warm = plan(600, 2);
    const w = await appendThroughStore(es, warm, 'warm-up (store)');
    await insertRaw(pool, w.written, 'warm-up (raw INSERT)');
  }
  const warmEvents = 600;

  const emmett = await loadEmmett();
  const emmettStore = emmett ? emmett.getPostgreSQLEventStore(dbUrl) : undefined;
  const peer = [];
  if (emmettStore) {
    // Its warm-up (schema made on first use, JIT, plans), not measured.
    const warm = plan(600, 2);
    const w = await appendThroughStore(es, warm, 'warm-up (store, for Emmett)');
    await appendThroughEmmett(emmett, emmettStore, w.written, 'warm-up (Emmett)', w.written.map(() => new Map()));
  }

  // Event store and raw SQL take turns, in rounds, so that both see the same machine:
  // a shared or busy machine then shifts both figures, not just one of them.
  const ROUNDS = 4;
  const allWritten = [];
  for (const writers of [1, 8]) {
    const name = `append, ${writers} writer${writers > 1 ? 's' : ''}`;
    const work = plan(EVENTS, writers);
    const heads = work.map(() => new Map());
    const storeRun = { seconds: 0, events: 0, appends: 0 };
    const rawRun = { seconds: 0, events: 0 };
    const emmettRun = { seconds: 0, events: 0 };
    const emmettVersions = work.map(() => new Map());
    for (let round = 0; round < ROUNDS; round++) {
      const slice = work.map((appends) => appends.slice(Math.floor((round * appends.length) / ROUNDS), Math.floor(((round + 1) * appends.length) / ROUNDS)));
      const s = await appendThroughStore(es, slice, `${name} (event store) ${round + 1}/${ROUNDS}`, heads);
      const r = await insertRaw(pool, s.written, `${name} (raw INSERT)  ${round + 1}/${ROUNDS}`);
      storeRun.seconds += s.seconds;
      storeRun.events += s.events;
      storeRun.appends += s.written.flat().length;
      rawRun.seconds += r.seconds;
      rawRun.events += r.events;
      if (emmettStore) {
        const e = await appendThroughEmmett(emmett, emmettStore, s.written, `${name} (Emmett)     ${round + 1}/${ROUNDS}`, emmettVersions);
        emmettRun.seconds += e.seconds;
        emmettRun.events += e.events;
      }
      allWritten.push(...s.written);
    }
    row(name, storeRun, rawRun, { eventsPerAppend: +(storeRun.events / storeRun.appends).toFixed(2), streams: Math.ceil(EVENTS / EVENTS_PER_STREAM) });
    if (emmettStore) peer.push({ name, ours: storeRun.events / storeRun.seconds, emmett: emmettRun.events / emmettRun.seconds, events: storeRun.events });
  }
  if (emmettStore) {
    // Every stream of the measured runs read back whole through each store (turns alternate).
    const appends = allWritten.flat();
    const streamIds = [...new Set(appends.map((a) => a.streamId))];
    const total = appends.reduce((n, a) => n + a.events.length, 0);
    const ours = [];
    const theirs = [];
    for (let turn = 1; turn <= 3; turn++) {
      ours.push(await readStreamsBack(async (id) => (await es.readStream(id)).length, streamIds, total, `read streams back (event store) ${turn}/3`));
      theirs.push(await readStreamsBack(async (id) => (await emmettStore.readStream(id)).events.length, streamIds, total, `read streams back (Emmett)      ${turn}/3`));
    }
    const mid = (runs) => [...runs].sort((a, b) => a.seconds - b.seconds)[1];
    peer.push({ name: 'read every stream back, 8 readers, median of 3', ours: mid(ours).events / mid(ours).seconds, emmett: mid(theirs).events / mid(theirs).seconds, events: mid(ours).events });
  }
  await emmettStore?.close();
  const copy = await copyRaw(pool, allWritten, 'COPY of the same rows (1 connection)');
  await pool.query('VACUUM ANALYZE event_store.events');
  await pool.query('VACUUM ANALYZE raw.events');
  // Reads: three turns each, the median counts.
  const storeTotal = 2 * EVENTS + warmEvents;
  const reads = { store: [], raw: [] };
  for (let turn = 1; turn <= 3; turn++) {
    reads.store.push(await readAllThroughStore(es, storeTotal, `read all, pages of ${PAGE} (event store) ${turn}/3`));
    reads.raw.push(await readRaw(pool, storeTotal, `read all, pages of ${PAGE} (raw SELECT)  ${turn}/3`));
  }
  const median = (runs) => [...runs].sort((a, b) => a.seconds - b.seconds)[1];
  row(`read all (pages of ${PAGE}), median of 3`, median(reads.store), median(reads.raw));

  await es.close();
  await pool.end();

  const report = {
    benchmark: 'event-store',
    date: new Date().toISOString(),
    postgres: version,
    cpus: cpus().length,
    node: process.version,
    // 1-minute load average before and after: figures from a busy machine are lower.
    loadAverage: { start: +loadAtStart.toFixed(2), end: +loadavg()[0].toFixed(2) },
    eventsPerRun: EVENTS,
    results,
    peer: emmettStore ? peer.map((p) => ({ ...p, ours: Math.round(p.ours), emmett: Math.round(p.emmett), ratio: +(p.ours / p.emmett).toFixed(3) })) : 'skipped (@event-driven-io/emmett-postgresql not installed)',
    copy: copy ? { events: copy.events, seconds: +copy.seconds.toFixed(3), eventsPerSecond: Math.round(copy.events / copy.seconds) } : 'skipped (pg-copy-streams not installed)',
  };
  console.log(JSON.stringify(report, null, 2));
  console.log('');
  console.log('| measurement | events | event store (ev/s) | raw SQL (ev/s) | store / raw |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.name} | ${fmt(r.events)} | ${fmt(r.eventStore.eventsPerSecond)} | ${fmt(r.raw.eventsPerSecond)} | ${r.ratio.toFixed(2)} |`);
  if (copy) console.log(`| COPY of all appended rows, 1 connection (raw upper bound) | ${fmt(copy.events)} | — | ${fmt(copy.events / copy.seconds)} | — |`);
  if (emmettStore) {
    console.log('');
    console.log('| measurement (same events, same server, same run) | events | ours (ev/s) | Emmett PostgreSQL (ev/s) | ours / Emmett |');
    console.log('|---|---:|---:|---:|---:|');
    for (const p of peer) console.log(`| ${p.name} | ${fmt(p.events)} | ${fmt(p.ours)} | ${fmt(p.emmett)} | ${(p.ours / p.emmett).toFixed(2)} |`);
  }
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(report, null, 2));
};

main()
  .catch((error) => {
    console.error(`bench: failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(dropDatabase);
