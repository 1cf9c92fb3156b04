import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import type { RecordedEvent } from '@complaints/event-store';
import { markProcessedBatch } from '../read-model-data-source';
import { RebuildBuffer, applyEvents, type ApplyResult } from './projection-engine';
import type { ProjectedEvent } from './projected-event';
import type { StreamProjection, StreamReader } from './stream-projection';
import {
  advanceCheckpoint,
  finishCheckpoint,
  readCheckpoint,
  readCheckpoints,
  startCheckpoint,
  type ProjectionCheckpoint,
} from './projection-checkpoint';

/** Where a projection's events come from: the event store, read in global order or per stream. */
export type ProjectionSource = {
  /** Events strictly after `after` in global order, at most `maxCount` (a bounded batch). */
  readAll(after: bigint, maxCount: number): Promise<RecordedEvent[]>;
  readStream: StreamReader;
  /** The projection's view of a stored event, or undefined for streams it does not follow. */
  toProjected(event: RecordedEvent): ProjectedEvent | undefined;
  /** The store's current last position, for a progress percentage (optional). */
  headPosition?(): Promise<bigint | undefined>;
};

export type RebuildProgress = { projection: string; events: number; position: bigint; head?: bigint; elapsedMs: number };

export type RebuildOptions = {
  /** Events per read from the store (default 2 000). */
  batchSize?: number;
  /** Events folded in memory before the changed rows are written with the checkpoint (default 100 000). */
  flushEvery?: number;
  /** …or changed rows held in memory, whichever comes first (default 20 000): bounds the memory. */
  flushRows?: number;
  /** Continue an interrupted rebuild from its checkpoint instead of starting over. */
  resume?: boolean;
  onProgress?: (progress: RebuildProgress) => void;
  /** Checked between batches: a shutdown stops the rebuild (its checkpoint stays, `resume` continues it). */
  shouldStop?: () => boolean;
};

export type RebuildReport = {
  projection: string;
  events: number;
  rows: number;
  batches: number;
  elapsedMs: number;
  eventsPerSecond: number;
  /** Where the time went: waiting for the store's reads, folding, writing (with the checkpoint). */
  timings: { readWaitMs: number; foldMs: number; writeMs: number };
  resumedFrom?: string;
};

export class RebuildInProgressError extends Error {
  constructor(readonly projection: string) {
    super(`projection ${projection} is already being rebuilt`);
    this.name = 'RebuildInProgressError';
  }
}

export class RebuildStoppedError extends Error {
  constructor(readonly projection: string) {
    super(`rebuild of ${projection} stopped before it finished; run it again with resume to continue`);
    this.name = 'RebuildStoppedError';
  }
}

/**
 * Runs a schema's projections: the live path (a delivered batch, its applied ids
 * recorded in the same transaction as the rows) and the rebuild (drop the rows, read the
 * whole event store in bounded batches, fold them in memory and write the changed rows with
 * the checkpoint in one transaction per flush). A rebuild records no applied ids: every row
 * holds the number of its stream's events it has folded (`version`), so an event a rebuild
 * folded and the live path later delivers again is skipped by that number alone — writing
 * one id per event was a third of a rebuild's write time.
 *
 * Every write transaction of a projection first takes that projection's advisory lock —
 * shared by live batches, alone by a rebuild's writes — so the live consumer and a rebuild
 * never interleave their writes; a rebuild running
 * beside live traffic stays correct because both go through the same version check: the
 * live path heals a row the rebuild has not reached yet from the event store, and the
 * rebuild then skips the events that row already holds.
 */
export class ProjectionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly source: ProjectionSource,
  ) {}

  /**
   * The projection's lock for this transaction: live batches share it (batches from different
   * partitions hold different complaints, and two that meet on one — a rebalance — are kept
   * apart by the applied-id records, whose unique index makes the second wait for the first);
   * a rebuild's writes take it alone, so live writes and a rebuild's flush never interleave.
   */
  /** The projection's view of events: its `prepare` step, if it has one. */
  private prepared<S>(projection: StreamProjection<S>, events: readonly ProjectedEvent[]): Promise<readonly ProjectedEvent[]> {
    return projection.prepare && events.length > 0 ? projection.prepare(events) : Promise.resolve(events);
  }

  /** Reads a stream to heal a gap, prepared like the events delivered. */
  private streamReader<S>(projection: StreamProjection<S>): StreamReader {
    if (!projection.prepare) return this.source.readStream;
    return async (streamId) => [...(await this.prepared(projection, await this.source.readStream(streamId)))];
  }

  private lock(manager: EntityManager, projection: StreamProjection<unknown>, mode: 'live' | 'rebuild'): Promise<unknown> {
    const fn = mode === 'live' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    return manager.query(`SELECT ${fn}(hashtext($1))`, [`projection:${this.schema}.${projection.name}`]);
  }

  /**
   * Applies a delivered batch in one transaction: the ids this projection had not applied
   * are recorded and only those events folded (a redelivery, or a batch that failed
   * half-way and comes again, applies each event once). Returns how many were new.
   */
  async applyLiveBatch<S>(projection: StreamProjection<S>, events: readonly ProjectedEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    // Outside the transaction: a projection's preparation may read elsewhere (e.g. the key vault).
    const prepared = await this.prepared(projection, events);
    return this.dataSource.transaction(async (manager) => {
      await this.lock(manager, projection as StreamProjection<unknown>, 'live');
      const fresh = await markProcessedBatch(manager, this.schema, projection.name, prepared.map((e) => e.id));
      const toApply = prepared.filter((e) => fresh.delete(e.id));
      await applyEvents(manager, projection, toApply, this.streamReader(projection));
      return toApply.length;
    });
  }

  /** Applies one delivered event; 'duplicate' when this projection had already applied its id. */
  async applyLive<S>(projection: StreamProjection<S>, event: ProjectedEvent): Promise<'applied' | 'duplicate'> {
    return (await this.applyLiveBatch(projection, [event])) > 0 ? 'applied' : 'duplicate';
  }

  /** Applies a batch in one transaction without recording ids (catch-up and tests). */
  async applyBatch<S>(projection: StreamProjection<S>, events: readonly ProjectedEvent[]): Promise<ApplyResult> {
    const prepared = await this.prepared(projection, events);
    return this.dataSource.transaction(async (manager) => {
      await this.lock(manager, projection as StreamProjection<unknown>, 'live');
      return applyEvents(manager, projection, prepared, this.streamReader(projection));
    });
  }

  checkpoints(): Promise<ProjectionCheckpoint[]> {
    return readCheckpoints(this.dataSource.manager, this.schema);
  }

  checkpoint(name: string): Promise<ProjectionCheckpoint | undefined> {
    return readCheckpoint(this.dataSource.manager, this.schema, name);
  }

  /**
   * Drops the projection's rows and rebuilds them from the event store. Only one rebuild of
   * a projection runs at a time across all processes (a session advisory lock); a second
   * one fails with RebuildInProgressError.
   */
  async rebuild<S>(projection: StreamProjection<S>, options: RebuildOptions = {}): Promise<RebuildReport> {
    const batchSize = options.batchSize ?? 2_000;
    const session = this.dataSource.createQueryRunner();
    await session.connect();
    const lockKey = `rebuild:${this.schema}.${projection.name}`;
    try {
      const [{ locked }] = (await session.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [lockKey])) as { locked: boolean }[];
      if (!locked) throw new RebuildInProgressError(projection.name);
      try {
        return await this.runRebuild(projection, batchSize, options);
      } finally {
        await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
      }
    } finally {
      await session.release();
    }
  }

  private async runRebuild<S>(projection: StreamProjection<S>, batchSize: number, options: RebuildOptions): Promise<RebuildReport> {
    const name = projection.name;
    let after = 0n;
    let events = 0;
    let resumedFrom: string | undefined;
    const existing = options.resume ? await this.checkpoint(name) : undefined;
    if (existing?.status === 'rebuilding' || existing?.status === 'failed') {
      after = BigInt(existing.position);
      events = existing.events;
      resumedFrom = existing.position;
      await this.dataSource.transaction((manager) => finishCheckpoint(manager, this.schema, name, 'rebuilding'));
    } else {
      await this.dataSource.transaction(async (manager) => {
        await this.lock(manager, projection as StreamProjection<unknown>, 'rebuild');
        await manager.query(`TRUNCATE ${projection.tables.join(', ')}`);
        await manager.query(`DELETE FROM ${this.schema}.processed_events WHERE consumer = $1`, [name]);
        await startCheckpoint(manager, this.schema, name);
      });
    }
    const head = await this.source.headPosition?.().catch(() => undefined);
    const started = performance.now();
    let batches = 0;
    const read = (from: bigint) => {
      const promise = this.source.readAll(from, batchSize);
      promise.catch(() => undefined); // a prefetch abandoned by a failing batch must not go unhandled
      return promise;
    };
    const buffer = new RebuildBuffer(projection, this.streamReader(projection));
    const flushEvery = options.flushEvery ?? 100_000;
    const flushRows = options.flushRows ?? 20_000;
    const timings = { readWaitMs: 0, foldMs: 0, writeMs: 0 };
    const flush = async (position: string) => {
      const n = buffer.pendingEvents;
      const t0 = performance.now();
      await this.dataSource.transaction(async (manager) => {
        await this.lock(manager, projection as StreamProjection<unknown>, 'rebuild');
        await buffer.flush(manager);
        await advanceCheckpoint(manager, this.schema, name, position, n);
      });
      buffer.committed();
      batches++;
      timings.writeMs += performance.now() - t0;
    };
    try {
      let next = read(after);
      for (;;) {
        const t0 = performance.now();
        const raw = await next;
        timings.readWaitMs += performance.now() - t0;
        if (raw.length === 0) break;
        after = raw[raw.length - 1].position;
        // Read the next batch while this one is folded: reading and writing overlap.
        next = read(after);
        const batch = await this.prepared(projection, raw.map((e) => this.source.toProjected(e)).filter((e): e is ProjectedEvent => e !== undefined));
        const t1 = performance.now();
        await buffer.add(this.dataSource.manager, batch);
        timings.foldMs += performance.now() - t1;
        events += batch.length;
        if (buffer.pendingEvents >= flushEvery || buffer.pendingRows >= flushRows) await flush(after.toString());
        options.onProgress?.({ projection: name, events, position: after, head, elapsedMs: performance.now() - started });
        if (options.shouldStop?.()) {
          await flush(after.toString());
          throw new RebuildStoppedError(name);
        }
      }
      await flush(after.toString());
      await this.dataSource.transaction((manager) => finishCheckpoint(manager, this.schema, name, 'live'));
    } catch (error) {
      if (!(error instanceof RebuildStoppedError)) {
        await this.dataSource
          .transaction((manager) => finishCheckpoint(manager, this.schema, name, 'failed', error instanceof Error ? error.message : String(error)))
          .catch(() => undefined);
      }
      throw error;
    }
    const elapsedMs = performance.now() - started;
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM ${projection.stateTable.table}`)) as { n: number }[];
    return {
      projection: name,
      events,
      rows: n,
      batches,
      elapsedMs,
      eventsPerSecond: elapsedMs > 0 ? Math.round((events / elapsedMs) * 1000) : events,
      timings: { readWaitMs: Math.round(timings.readWaitMs), foldMs: Math.round(timings.foldMs), writeMs: Math.round(timings.writeMs) },
      ...(resumedFrom !== undefined ? { resumedFrom } : {}),
    };
  }
}
