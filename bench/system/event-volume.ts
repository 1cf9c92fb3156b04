/**
 * A large event store (default one million events), then the reporting projection rebuild
 * and the hash-chain verification of every stream over it.
 *
 * Events come from the domain's real decider (the reporting benchmark's story generator:
 * varied lifecycles, Chinese text, actors, deadlines), hash-chained with `chainEvents` as the
 * services chain them, and are written with COPY into the event store's own table (its
 * schema, made by `PostgresEventStore.migrate`), chunk by chunk so memory stays flat.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { chainEvents, GENESIS_HASH, PostgresEventStore, verifyChain, type EventMetadata } from '@complaints/event-store';
import { ReportingProjections, openReportingDataSource, postgresHeadPosition, projectionNames } from '@complaints/reporting-service';
import { commandsInTimeOrder, generateStories } from '../../libs/services/reporting/src/testing/story-generator';
import { fmt, progress, round } from './measure';

const COMPLAINTS_PER_CHUNK = 10_000;
const EVENTS_PER_COMPLAINT = 7.3; // what the generator averages
const SITES = ['site-a', 'site-b'];
const DAY = 86_400_000;

/** COPY text format: backslash, tab, newline and carriage return escaped. */
const copyText = (value: string) => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

export type RebuildFigure = { projection: string; events: number; rows: number; seconds: number; eventsPerSecond: number; timings: { readWaitMs: number; foldMs: number; writeMs: number } };

export type EventVolumeResult = {
  events: number;
  streams: number;
  generateSeconds: number;
  copySeconds: number;
  copyRowsPerSecond: number;
  tableSizeMiB: number;
  rawReadAllPerSecond: number;
  rebuilds: RebuildFigure[];
  rebuildAll: { seconds: number; eventsPerSecond: number };
  verification: { seconds: number; eventsPerSecond: number; streams: number; allValid: boolean; readOnlySeconds: number; readOnlyPerSecond: number; hashOnlySeconds: number };
};

/** Generates about `target` events in chunks and COPYs each chunk into event_store.events. */
const generateAndCopy = async (pool: Pool, target: number): Promise<{ events: number; streams: number; generateSeconds: number; copySeconds: number }> => {
  let events = 0;
  let streams = 0;
  let generateMs = 0;
  let copyMs = 0;
  const start = Date.parse('2024-01-01T00:00:00.000Z');
  for (let chunk = 0; events < target; chunk++) {
    let t = performance.now();
    const count = Math.min(COMPLAINTS_PER_CHUNK, Math.ceil((target - events) / EVENTS_PER_COMPLAINT) + 50);
    const stories = generateStories({ count, seed: 1_000 + chunk, sites: SITES, start: new Date(start + chunk * 3 * DAY).toISOString(), spanDays: 3 });
    const lastHash = new Map<string, string>();
    const revisions = new Map<string, number>();
    const rows: string[] = [];
    for (const { story, command } of commandsInTimeOrder(stories)) {
      if (events + rows.length >= target) break;
      const metadata: EventMetadata = {
        actor: { id: command.command.metadata.actor.id, role: command.command.metadata.actor.role },
        occurredAt: command.command.metadata.now,
        commandType: command.command.type,
        correlationId: randomUUID(),
      };
      const chained = chainEvents(
        lastHash.get(story.id) ?? GENESIS_HASH,
        command.events.map((e) => {
          const data = { ...(e.data as unknown as Record<string, unknown>) };
          // Each chunk restarts the generator's serials: keep complaint numbers unique across chunks.
          if (e.type === 'ComplaintRegistered' && typeof data.number === 'string') data.number = `${data.number.replace(/-.*/, '')}-${String(chunk).padStart(3, '0')}${data.number.replace(/^[^-]*-/, '')}`;
          return { id: randomUUID(), type: e.type, data, metadata };
        }),
      );
      for (const e of chained) {
        const revision = revisions.get(story.id) ?? 0;
        if (revision === 0) streams++;
        revisions.set(story.id, revision + 1);
        rows.push(`${e.id}\tcomplaint-${story.id}\t${revision}\t${e.type}\t${copyText(JSON.stringify(e.data))}\t${copyText(JSON.stringify(e.metadata))}\t${command.command.metadata.now}\n`);
        lastHash.set(story.id, String(e.metadata.hash));
      }
    }
    generateMs += performance.now() - t;
    t = performance.now();
    const client = await pool.connect();
    try {
      await pipeline(Readable.from(rows), client.query(copyFrom('COPY event_store.events (event_id, stream_id, stream_revision, type, data, metadata, recorded_at) FROM STDIN')));
    } finally {
      client.release();
    }
    copyMs += performance.now() - t;
    events += rows.length;
    progress(`  event store: ${fmt(events)} / ${fmt(target)} events (${fmt(streams)} streams; generating ${fmt(generateMs / 1000, 1)} s, COPY ${fmt(copyMs / 1000, 1)} s so far)`);
  }
  return { events, streams, generateSeconds: generateMs / 1000, copySeconds: copyMs / 1000 };
};

/** Keyset-paged read of every event in `$all` order, parsing JSON as a reader does: the floor under any rebuild. */
const rawReadAll = async (pool: Pool, total: number): Promise<number> => {
  const started = performance.now();
  let after = '0';
  let read = 0;
  for (;;) {
    const { rows } = await pool.query<{ position: string; data: unknown; metadata: unknown }>(
      // (ORDER BY the column, not the text alias of the same name.)
      'SELECT e.position::text AS position, e.event_id, e.stream_id, e.stream_revision, e.type, e.data, e.metadata, e.recorded_at FROM event_store.events e WHERE e.position > $1 ORDER BY e.position LIMIT 2000',
      [after],
    );
    if (rows.length === 0) break;
    read += rows.length;
    after = rows[rows.length - 1].position;
  }
  if (read !== total) throw new Error(`read ${read} events, expected ${total}`);
  return read / ((performance.now() - started) / 1000);
};

type ChainRow = { event_id: string; stream_id: string; type: string; data: Record<string, unknown>; metadata: EventMetadata };

/**
 * Verifies every stream's hash chain with `verifyChain` (the audit endpoint's check), reading
 * streams in (stream, revision) order through the unique index in pages; `verify: false` only
 * reads (the ceiling), `hashOnly` times the verification itself.
 */
const verifyAll = async (pool: Pool, verify: boolean): Promise<{ seconds: number; events: number; streams: number; allValid: boolean; verifyMs: number }> => {
  const started = performance.now();
  let events = 0;
  let streams = 0;
  let allValid = true;
  let verifyMs = 0;
  let afterStream = '';
  let afterRevision = -1;
  let current: ChainRow[] = [];
  const finish = () => {
    if (current.length === 0) return;
    streams++;
    if (verify) {
      const t = performance.now();
      const verdict = verifyChain(current.map((r) => ({ id: r.event_id, type: r.type, data: r.data, metadata: r.metadata })));
      verifyMs += performance.now() - t;
      if (!verdict.valid) allValid = false;
    }
    current = [];
  };
  for (;;) {
    const { rows } = await pool.query<ChainRow & { stream_revision: string }>(
      `SELECT e.event_id, e.stream_id, e.stream_revision::text AS stream_revision, e.type, e.data, e.metadata FROM event_store.events e
        WHERE (e.stream_id, e.stream_revision) > ($1, $2) ORDER BY e.stream_id, e.stream_revision LIMIT 5000`,
      [afterStream, afterRevision],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      if (current.length && current[0].stream_id !== row.stream_id) finish();
      current.push(row);
    }
    events += rows.length;
    afterStream = rows[rows.length - 1].stream_id;
    afterRevision = Number(rows[rows.length - 1].stream_revision);
  }
  finish();
  return { seconds: (performance.now() - started) / 1000, events, streams, allValid, verifyMs };
};

export const runEventVolume = async (databaseUrl: string, target: number): Promise<EventVolumeResult> => {
  const pool = new Pool({ connectionString: databaseUrl, max: 6 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool });
  try {
    await store.migrate();
    progress(`event store: generating and COPYing ${fmt(target)} events`);
    const loaded = await generateAndCopy(pool, target);
    await pool.query('VACUUM ANALYZE event_store.events');
    const [{ bytes }] = (await pool.query<{ bytes: string }>(`SELECT pg_total_relation_size('event_store.events')::text AS bytes`)).rows;

    progress('event store: raw keyset read of all events (the floor under a rebuild)');
    const rawReadAllPerSecond = await rawReadAll(pool, loaded.events);

    const dataSource = await openReportingDataSource(databaseUrl, 4);
    const rebuilds: RebuildFigure[] = [];
    try {
      const projections = new ReportingProjections(dataSource, store, postgresHeadPosition((sql) => pool.query<{ head: string | null }>(sql)));
      for (const name of projectionNames()) {
        progress(`rebuild: ${name}`);
        let lastShown = 0;
        const report = await projections.rebuild(name, {
          batchSize: 2_000,
          onProgress: (p) => {
            if (p.elapsedMs - lastShown < 5_000) return;
            lastShown = p.elapsedMs;
            progress(`  rebuild ${name}: ${fmt(p.events)} events, ${fmt(p.events / (p.elapsedMs / 1000))} events/s`);
          },
        });
        if (report.events !== loaded.events) throw new Error(`${name} rebuilt ${report.events} events, expected ${loaded.events}`);
        rebuilds.push({ projection: name, events: report.events, rows: report.rows, seconds: round(report.elapsedMs / 1000, 2), eventsPerSecond: report.eventsPerSecond, timings: report.timings });
        progress(`  rebuilt ${name}: ${fmt(report.eventsPerSecond)} events/s (${fmt(report.elapsedMs / 1000, 1)} s)`);
      }
    } finally {
      await dataSource.destroy();
    }
    const allSeconds = rebuilds.reduce((a, r) => a + r.seconds, 0);

    progress('verification: reading every stream in order, without verifying (the ceiling)');
    const readOnly = await verifyAll(pool, false);
    progress(`  read ${fmt(readOnly.events)} events in ${fmt(readOnly.seconds, 1)} s; now verifying every hash chain`);
    const verified = await verifyAll(pool, true);
    progress(`  verified ${fmt(verified.streams)} streams, ${fmt(verified.events)} events in ${fmt(verified.seconds, 1)} s: ${verified.allValid ? 'all valid' : 'BROKEN CHAINS FOUND'}`);
    return {
      events: loaded.events,
      streams: loaded.streams,
      generateSeconds: round(loaded.generateSeconds, 1),
      copySeconds: round(loaded.copySeconds, 1),
      copyRowsPerSecond: round(loaded.events / loaded.copySeconds),
      tableSizeMiB: round(Number(bytes) / 2 ** 20),
      rawReadAllPerSecond: round(rawReadAllPerSecond),
      rebuilds,
      rebuildAll: { seconds: round(allSeconds, 1), eventsPerSecond: round(loaded.events / allSeconds) },
      verification: {
        seconds: round(verified.seconds, 1),
        eventsPerSecond: round(verified.events / verified.seconds),
        streams: verified.streams,
        allValid: verified.allValid,
        readOnlySeconds: round(readOnly.seconds, 1),
        readOnlyPerSecond: round(readOnly.events / readOnly.seconds),
        hashOnlySeconds: round(verified.verifyMs / 1000, 1),
      },
    };
  } finally {
    await store.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
};
