import type { EntityManager } from 'typeorm';
import type { ProjectedEvent } from './projected-event';
import type { StateChange, StreamProjection, StreamReader } from './stream-projection';

export type ApplyResult = { folded: number; skipped: number; healed: number; changedRows: number };

type Stored<S> = { version: number; state: S | undefined };

/** Loads the stored version and state of every key in one query. */
const loadStates = async <S>(manager: EntityManager, projection: StreamProjection<S>, keys: string[]): Promise<Map<string, Stored<S>>> => {
  const { table, key, keyType } = projection.stateTable;
  const rows: { key: string; version: number; state: S }[] = await manager.query(
    `SELECT ${key}::text AS key, version, state FROM ${table} WHERE ${key} = ANY($1::${keyType}[])`,
    [keys],
  );
  return new Map(rows.map((r) => [r.key, { version: Number(r.version), state: r.state }]));
};

const loadVersions = async (manager: EntityManager, projection: StreamProjection<unknown>, keys: string[]): Promise<Map<string, number>> => {
  const { table, key, keyType } = projection.stateTable;
  const rows: { key: string; version: number }[] = await manager.query(`SELECT ${key}::text AS key, version FROM ${table} WHERE ${key} = ANY($1::${keyType}[])`, [keys]);
  return new Map(rows.map((r) => [r.key, Number(r.version)]));
};

const groupByKey = (events: readonly ProjectedEvent[]): Map<string, ProjectedEvent[]> => {
  const byKey = new Map<string, ProjectedEvent[]>();
  for (const event of events) {
    const list = byKey.get(event.key);
    if (list) list.push(event);
    else byKey.set(event.key, [event]);
  }
  for (const list of byKey.values()) list.sort((a, b) => a.revision - b.revision);
  return byKey;
};

type Folding<S> = { version: number; state: S | undefined; last?: ProjectedEvent };

/**
 * Folds one key's events (in revision order) onto its state: an event the state already
 * holds (revision < version) is skipped — redelivery changes nothing; an event beyond the
 * next expected revision means earlier ones never arrived (a message dead-lettered, a
 * consumer restarted mid-stream), so the missing revisions are read from the event store
 * and folded first.
 */
const foldKey = async <S>(projection: StreamProjection<S>, start: Folding<S>, events: readonly ProjectedEvent[], readStream: StreamReader, result: ApplyResult): Promise<Folding<S>> => {
  let { version, state, last } = start;
  for (const event of events) {
    if (event.revision < version) {
      result.skipped++;
      continue;
    }
    if (event.revision > version) {
      const history = await readStream(event.streamId);
      const missing = history.filter((e) => e.revision >= version && e.revision < event.revision);
      if (missing.length !== event.revision - version) {
        throw new Error(`${event.streamId}: revisions ${version}…${event.revision - 1} are not in the event store yet`);
      }
      for (const earlier of missing) {
        state = projection.evolve(state, earlier);
        result.healed++;
      }
    }
    state = projection.evolve(state, event);
    version = event.revision + 1;
    last = event;
    result.folded++;
  }
  return { version, state, last };
};

/**
 * Applies a batch of events to a projection inside the caller's transaction (the live path):
 * one query loads the stored state of every key the batch touches, each key's events are
 * folded (see foldKey), and the projection writes all changed keys at once.
 */
export const applyEvents = async <S>(
  manager: EntityManager,
  projection: StreamProjection<S>,
  events: readonly ProjectedEvent[],
  readStream: StreamReader,
): Promise<ApplyResult> => {
  const result: ApplyResult = { folded: 0, skipped: 0, healed: 0, changedRows: 0 };
  if (events.length === 0) return result;
  const byKey = groupByKey(events);
  const stored = await loadStates(manager, projection, [...byKey.keys()]);
  const changes: StateChange<S>[] = [];
  for (const [key, keyEvents] of byKey) {
    const before = stored.get(key);
    const after = await foldKey(projection, { version: before?.version ?? 0, state: before?.state }, keyEvents, readStream, result);
    if (after.last && after.state !== undefined) changes.push({ key, version: after.version, before: before?.state, after: after.state, lastEvent: after.last });
  }
  if (changes.length > 0) await projection.write(manager, changes);
  result.changedRows = changes.length;
  return result;
};

type Entry<S> = { baseVersion: number; base: S | undefined; version: number; state: S | undefined; last?: ProjectedEvent };

/**
 * The rebuild's working set. A rebuild reads the store in global order, where one complaint's
 * events are spread over weeks of other complaints' events: writing each read batch would
 * rewrite the same rows again and again. The buffer keeps the states it has folded in memory
 * (loading a key's stored row only the first time it is seen) and writes the changed rows
 * only when flushed — every `flushEvery` events or `flushRows` changed rows, with the checkpoint.
 *
 * A live consumer may write a row between two flushes. At flush, inside the projection's lock,
 * the stored versions are compared with the ones the buffer started from: a row the live path
 * has taken further is left as it is (it is a correct fold of more events); a row it changed
 * but not as far is re-read and brought up to the buffer's version from the event store, so
 * the projection computes its changes against what is really stored.
 */
export class RebuildBuffer<S> {
  private readonly entries = new Map<string, Entry<S>>();
  private readonly dirty = new Set<string>();
  private events = 0;
  readonly result: ApplyResult = { folded: 0, skipped: 0, healed: 0, changedRows: 0 };

  constructor(
    private readonly projection: StreamProjection<S>,
    private readonly readStream: StreamReader,
    /** Keys kept in memory between flushes (least recently loaded go first). */
    private readonly maxCached = 50_000,
  ) {}

  get pendingEvents(): number {
    return this.events;
  }

  /** Rows folded since the last flush (each is written once at the flush). */
  get pendingRows(): number {
    return this.dirty.size;
  }

  async add(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void> {
    const byKey = groupByKey(events);
    const unknown = [...byKey.keys()].filter((k) => !this.entries.has(k));
    if (unknown.length > 0) {
      const stored = await loadStates(manager, this.projection, unknown);
      for (const key of unknown) {
        const s = stored.get(key);
        this.entries.set(key, { baseVersion: s?.version ?? 0, base: s?.state, version: s?.version ?? 0, state: s?.state });
      }
    }
    for (const [key, keyEvents] of byKey) {
      const entry = this.entries.get(key) as Entry<S>;
      const folded = await foldKey(this.projection, entry, keyEvents, this.readStream, this.result);
      if (folded.version !== entry.version) this.dirty.add(key);
      Object.assign(entry, folded);
    }
    this.events += events.length;
  }

  /** Writes every changed row (call inside the transaction that also saves the checkpoint). */
  async flush(manager: EntityManager): Promise<number> {
    const keys = [...this.dirty];
    const stored = keys.length ? await loadVersions(manager, this.projection as StreamProjection<unknown>, keys) : new Map<string, number>();
    const changes: StateChange<S>[] = [];
    const overtaken: string[] = [];
    const behind: string[] = [];
    for (const key of keys) {
      const entry = this.entries.get(key) as Entry<S>;
      const now = stored.get(key) ?? 0;
      if (now === entry.baseVersion) {
        if (entry.state !== undefined && entry.last) changes.push({ key, version: entry.version, before: entry.base, after: entry.state, lastEvent: entry.last });
      } else if (now >= entry.version) overtaken.push(key);
      else behind.push(key);
    }
    if (behind.length > 0) {
      const current = await loadStates(manager, this.projection, behind);
      for (const key of behind) {
        const entry = this.entries.get(key) as Entry<S>;
        const row = current.get(key);
        const history = (await this.readStream((entry.last as ProjectedEvent).streamId)).filter((e) => e.revision >= (row?.version ?? 0) && e.revision < entry.version);
        const folded = await foldKey(this.projection, { version: row?.version ?? 0, state: row?.state }, history, this.readStream, this.result);
        if (folded.state !== undefined && folded.last) changes.push({ key, version: folded.version, before: row?.state, after: folded.state, lastEvent: folded.last });
      }
    }
    for (const key of overtaken) {
      this.entries.delete(key);
      this.dirty.delete(key);
    }
    if (changes.length > 0) await this.projection.write(manager, changes);
    this.result.changedRows += changes.length;
    return changes.length;
  }

  /** After the flush's transaction committed: what was written is the new base. */
  committed(): void {
    for (const key of this.dirty) {
      const entry = this.entries.get(key);
      if (entry) Object.assign(entry, { baseVersion: entry.version, base: entry.state });
    }
    this.dirty.clear();
    this.events = 0;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxCached) break;
      this.entries.delete(key);
    }
  }

}
