import { runLockedMigration } from './locked-migration';
import { Pool, type PoolClient } from 'pg';
import {
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamHead,
  type Subscription,
  type SubscriptionHandler,
  type SubscriptionOptions,
  type UnitOfWork,
  type UnitOfWorkResult,
  type UnitRecord,
  UnitRecordError,
} from '../event-store.port';
import { pollingSubscription } from '../polling-subscription';
import { GroupCommit, settle, type Settled } from '../group-commit';
import {
  EXPECTED_ANY,
  EXPECTED_NO_STREAM,
  EXPECTED_STREAM_EXISTS,
  NOTIFY_CHANNEL,
  eventStoreSchemaSql,
} from './postgres-event-store.schema';

export type PostgresEventStoreOptions = {
  /** A pg Pool to use (not closed by the store) or a connection string (pool owned by the store). */
  pool?: Pool;
  connectionString?: string;
  schema?: string;
  /** How often an idle subscription looks for new events without a notification. */
  pollIntervalMs?: number;
  /** The hash chain's key (chain v2 and signed heads, see hash-chain.ts); never sent to the database. */
  chainKey?: Buffer;
  /**
   * Where `migrate()` runs: a pool of the schema's owner when the store's own pool connects
   * as a role that may only read and append (default: the store's pool).
   */
  migrationPool?: Pool;
};

type EventRow = {
  position: string;
  event_id: string;
  stream_id: string;
  stream_revision: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date;
};

const UNIQUE_VIOLATION = '23505';
const MAX_APPEND_RETRIES = 5;
/** Group commit: transactions of appends in flight at once, and appends in one transaction (each is a subtransaction: PostgreSQL caches 64 per transaction). */
const MAX_APPEND_TRANSACTIONS = 2;
const MAX_APPENDS_PER_TRANSACTION = 50;

/**
 * Units of work in one transaction at most, and transactions in flight at once: one, so
 * that units building on each other's appends (the serial numbers of one site, each unit
 * expecting the counter stream where the unit before left it) reach the store in the
 * order they were made — a second transaction taking the append lock before the first one
 * commits would read the counter stream without it and refuse the whole next group.
 * Each unit is up to three subtransactions (PostgreSQL caches 64 per transaction).
 */
const MAX_UNITS_PER_TRANSACTION = 20;

type UnitRow = { idx: number; outcome: string; part: number | null; stream_revisions: string[]; last_positions: string[]; detail: string | null };

const recordToJson = (record: UnitRecord): Record<string, unknown> => {
  if ('absent' in record) return record;
  const row: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(record.row)) row[column] = Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : value;
  return { insert: record.insert, row };
};

type PendingAppend = { streamId: string; events: EventToAppend[]; expected: ExpectedRevision; expectedSql: string; headMac: string | null };

const toRecorded = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  type: row.type,
  streamId: row.stream_id,
  revision: BigInt(row.stream_revision),
  position: BigInt(row.position),
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
});

const expectedToSql = (expected: ExpectedRevision): string => {
  if (expected === 'no_stream') return String(EXPECTED_NO_STREAM);
  if (expected === 'any') return String(EXPECTED_ANY);
  if (expected === 'stream_exists') return String(EXPECTED_STREAM_EXISTS);
  if (expected < 0n) throw new RangeError(`expected revision must be >= 0, got ${expected}`);
  return expected.toString();
};

const escapeLike = (prefix: string): string => prefix.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The PostgreSQL adapter of the event-store port: the embedded default and the store
 * used in CI. See postgres-event-store.schema.ts for how global order is kept.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly schema: string;
  private readonly pollIntervalMs: number;
  private listener?: Promise<PoolClient>;
  private readonly wakeups = new Set<() => void>();
  private readonly migrationPool?: Pool;
  readonly chainKey?: Buffer;

  constructor(options: PostgresEventStoreOptions) {
    if (!options.pool && !options.connectionString) throw new Error('PostgresEventStore needs a pool or a connectionString');
    this.pool = options.pool ?? new Pool({ connectionString: options.connectionString, max: 10 });
    // Idle connections closed by the server are dropped and replaced, not fatal.
    if (!options.pool) {
      this.pool.on('error', () => undefined);
      this.pool.on('connect', (client) => client.on('error', () => undefined)); // checked-out ones too: the query fails, the process lives
    }
    this.ownsPool = !options.pool;
    this.schema = options.schema ?? 'event_store';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.schema)) throw new Error(`invalid schema name ${this.schema}`);
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.chainKey = options.chainKey;
    this.migrationPool = options.migrationPool;
  }

  /** Creates the schema if needed; safe to call from several processes at once. */
  async migrate(): Promise<void> {
    await runLockedMigration(this.migrationPool ?? this.pool, `migrate:${this.schema}`, eventStoreSchemaSql(this.schema));
  }

  /**
   * Appends go through a group commit: while up to two transactions are in flight, the
   * appends that arrive queue up and go together in the next one (`append_events_batch`:
   * one transaction, one WAL flush, one turn of the append lock), each with its own
   * outcome — its own expected-revision conflict, its own error. Alone, an append is sent
   * at once, so a quiet system pays no extra latency.
   */
  appendToStream(streamId: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) return Promise.reject(new RangeError('appendToStream needs at least one event'));
    let expectedSql: string;
    try {
      expectedSql = expectedToSql(expected);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.appends.submit({ streamId, events, expected, expectedSql, headMac: options.headMac ?? null });
  }

  private readonly appends = new GroupCommit<PendingAppend, AppendResult>((batch) => this.appendBatch(batch), {
    maxInFlight: MAX_APPEND_TRANSACTIONS,
    maxBatch: MAX_APPENDS_PER_TRANSACTION,
  });

  private async appendBatch(batch: PendingAppend[]): Promise<Settled<AppendResult>[]> {
    if (batch.length === 1) return [await settle(() => this.appendOne(batch[0]))];
    let rows: { idx: number; outcome: string; stream_revision: string | null; last_position: string | null }[];
    try {
      const events = batch.flatMap((a) => a.events);
      ({ rows } = await this.pool.query(
        `SELECT idx, outcome, stream_revision, last_position FROM ${this.schema}.append_events_batch($1::text[], $2::bigint[], $3::int[], $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[])`,
        [
          batch.map((a) => a.streamId),
          batch.map((a) => a.expectedSql),
          batch.map((a) => a.events.length),
          events.map((e) => e.id),
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata)),
          batch.map((a) => a.headMac),
        ],
      ));
    } catch {
      // One append the server refuses (unreadable data, say) must not fail the others: each goes alone.
      return Promise.all(batch.map((append) => settle(() => this.appendOne(append))));
    }
    const byIndex = new Map(rows.map((row) => [row.idx, row]));
    return Promise.all(
      batch.map((append, i) => {
        const row = byIndex.get(i + 1);
        // Met a concurrent writer's uncommitted row (or no answer): look again, alone.
        if (!row || row.outcome === 'unique_violation') return settle(() => this.appendOne(append));
        return settle(async () => this.outcomeToResult(append, row.outcome, row.stream_revision, row.last_position));
      }),
    );
  }

  private outcomeToResult(append: PendingAppend, outcome: string, streamRevision: string | null, lastPosition: string | null): AppendResult {
    if (outcome === 'ok' || outcome === 'idempotent') {
      return { nextExpectedRevision: BigInt(streamRevision ?? -1), position: BigInt(lastPosition ?? 0) };
    }
    // A conflict, or ids stored elsewhere or only partly: never a silent success.
    throw new WrongExpectedRevisionError(append.streamId, append.expected, streamRevision === null ? 'no_stream' : BigInt(streamRevision));
  }

  /**
   * A unit of work (see the port): its records and appends in one subtransaction of
   * `append_units`, with the units that arrive together in one transaction (group
   * commit), each with its own outcome. Checked here, before it is queued: the expected
   * revisions (so a bad one refuses this unit only).
   */
  commitUnit(unit: UnitOfWork): Promise<UnitOfWorkResult> {
    if (unit.appends.length === 0 || unit.appends.some((a) => a.events.length === 0)) return Promise.reject(new RangeError('a unit of work needs appends of at least one event each'));
    let appends: PendingAppend[];
    try {
      appends = unit.appends.map((a) => {
        const expected = a.options?.expectedRevision ?? 'any';
        return { streamId: a.streamId, events: a.events, expected, expectedSql: expectedToSql(expected), headMac: a.options?.headMac ?? null };
      });
    } catch (error) {
      return Promise.reject(error);
    }
    return this.units.submit({ records: unit.records ?? [], appends });
  }

  private readonly units = new GroupCommit<{ records: UnitRecord[]; appends: PendingAppend[] }, UnitOfWorkResult>((batch) => this.commitUnits(batch), {
    maxInFlight: 1,
    maxBatch: MAX_UNITS_PER_TRANSACTION,
  });

  private async commitUnits(batch: { records: UnitRecord[]; appends: PendingAppend[] }[]): Promise<Settled<UnitOfWorkResult>[]> {
    const appends = batch.flatMap((u) => u.appends);
    const events = appends.flatMap((a) => a.events);
    const { rows } = await this.pool.query<UnitRow>(
      `SELECT idx, outcome, part, stream_revisions::text[] AS stream_revisions, last_positions::text[] AS last_positions, detail
         FROM ${this.schema}.append_units($1::int[], $2::jsonb[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::uuid[], $8::text[], $9::jsonb[], $10::jsonb[])`,
      [
        batch.map((u) => u.appends.length),
        batch.map((u) => JSON.stringify(u.records.map(recordToJson))),
        appends.map((a) => a.streamId),
        appends.map((a) => a.expectedSql),
        appends.map((a) => a.events.length),
        appends.map((a) => a.headMac),
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
      ],
    );
    const byIndex = new Map(rows.map((row) => [row.idx, row]));
    return Promise.all(
      batch.map((unit, i) =>
        settle(async (): Promise<UnitOfWorkResult> => {
          const row = byIndex.get(i + 1);
          if (!row) throw new Error('unit of work: no answer from the store');
          if (row.outcome === 'ok') {
            return { appends: unit.appends.map((_, a) => ({ nextExpectedRevision: BigInt(row.stream_revisions[a] ?? -1), position: BigInt(row.last_positions[a] ?? 0) })) };
          }
          const part = (row.part ?? 1) - 1;
          if (row.outcome === 'record_exists' || row.outcome === 'record_present') {
            const record = unit.records[part];
            throw new UnitRecordError(part, row.outcome === 'record_exists' ? 'exists' : 'present', record ? ('absent' in record ? record.absent : record.insert) : '?');
          }
          if (row.outcome === 'error') throw new Error(`unit of work refused by the store: ${row.detail ?? 'unknown error'}`);
          const append = unit.appends[part] ?? unit.appends[0];
          if (row.outcome === 'unique_violation') {
            // A concurrent writer's row (another process) got there first: a conflict like any other.
            throw new WrongExpectedRevisionError(append.streamId, append.expected, await this.currentRevision(append.streamId));
          }
          const revision = row.stream_revisions[0];
          throw new WrongExpectedRevisionError(append.streamId, append.expected, revision === null || revision === undefined ? 'no_stream' : BigInt(revision));
        }),
      ),
    );
  }

  /** One append in a transaction of its own (`append_events`), retried past concurrent writers' unique violations. */
  private async appendOne(append: PendingAppend): Promise<AppendResult> {
    const { streamId, events, expected, expectedSql, headMac } = append;
    const params = [
      streamId,
      expectedSql,
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      headMac,
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.pool.query<{ outcome: string; stream_revision: string | null; last_position: string | null }>(
          `SELECT outcome, stream_revision, last_position FROM ${this.schema}.append_events($1, $2::bigint, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text)`,
          params,
        );
        const { outcome, stream_revision, last_position } = rows[0];
        return this.outcomeToResult(append, outcome, stream_revision, last_position);
      } catch (error) {
        // A concurrent, not yet committed append to the same stream (or of the same
        // ids) surfaces as a unique violation once it commits: look again.
        if ((error as { code?: string }).code === UNIQUE_VIOLATION && attempt < MAX_APPEND_RETRIES) continue;
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
          const current = await this.currentRevision(streamId);
          throw new WrongExpectedRevisionError(streamId, expected, current);
        }
        throw error;
      }
    }
  }

  private async currentRevision(streamId: string): Promise<bigint | 'no_stream'> {
    const { rows } = await this.pool.query<{ r: string }>(
      `SELECT stream_revision AS r FROM ${this.schema}.events WHERE stream_id = $1 ORDER BY stream_revision DESC LIMIT 1`,
      [streamId],
    );
    return rows.length ? BigInt(rows[0].r) : 'no_stream';
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? null;
    const from = options.fromRevision ?? null;
    const { rows } = await this.pool.query<EventRow>(
      `SELECT position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at
         FROM ${this.schema}.events
        WHERE stream_id = $1
          AND ($2::bigint IS NULL OR ${backwards ? 'stream_revision <= $2' : 'stream_revision >= $2'})
        ORDER BY stream_revision ${backwards ? 'DESC' : 'ASC'}
        LIMIT $3`,
      [streamId, from === null ? null : from.toString(), limit],
    );
    return rows.map(toRecorded);
  }

  async readStreamHead(streamId: string): Promise<StreamHead | null> {
    const { rows } = await this.pool.query<{ stream_revision: string; last_hash: string; mac: string }>(
      `SELECT stream_revision, last_hash, mac FROM ${this.schema}.stream_heads WHERE stream_id = $1`,
      [streamId],
    );
    return rows.length ? { streamId, revision: BigInt(rows[0].stream_revision), hash: rows[0].last_hash, mac: rows[0].mac } : null;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    if (!(options.maxCount > 0)) throw new RangeError('readAll needs a positive maxCount');
    const { rows } = await this.pool.query<EventRow>(
      `SELECT position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at
         FROM ${this.schema}.events
        WHERE position > $1
          AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
          AND ($3::text IS NULL OR stream_id LIKE $3 || '%')
        ORDER BY position
        LIMIT $2`,
      [(options.after ?? 0n).toString(), options.maxCount, options.streamPrefix ? escapeLike(options.streamPrefix) : null],
    );
    return rows.map(toRecorded);
  }

  subscribeToAll(options: SubscriptionOptions, handler: SubscriptionHandler): Subscription {
    void this.ensureListener();
    return pollingSubscription({
      readBatch: (after, maxCount) => this.readAll({ after, maxCount, streamPrefix: options.streamPrefix }),
      after: options.after,
      batchSize: options.batchSize ?? 500,
      pollIntervalMs: this.pollIntervalMs,
      onWake: (wake) => {
        this.wakeups.add(wake);
        return () => this.wakeups.delete(wake);
      },
      handler,
    });
  }

  /** One LISTEN connection per store wakes every subscription when an append commits. */
  private ensureListener(): Promise<PoolClient> {
    if (!this.listener) {
      this.listener = (async () => {
        const client = await this.pool.connect();
        client.on('notification', () => this.wakeups.forEach((wake) => wake()));
        client.on('error', () => {
          // The polling interval keeps subscriptions going; try to listen again later.
          this.listener = undefined;
        });
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
        return client;
      })();
      this.listener.catch(() => {
        this.listener = undefined;
      });
    }
    return this.listener;
  }

  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      const client = await listener.catch(() => undefined);
      client?.release(true);
    }
    if (this.ownsPool) await this.pool.end();
  }
}
