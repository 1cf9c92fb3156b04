import type { EntityManager } from 'typeorm';
import type { ProjectedEvent } from './projected-event';

/**
 * A projection that keeps one row per stream (a complaint): it folds the stream's events
 * into a state with a pure `evolve`, stores that state with the number of events folded
 * (`version` = last revision + 1), and derives its table rows from the state alone.
 * Because rows depend only on the folded events, feeding the same events live (at least
 * once, out of order, with gaps healed from the store) or in one rebuild gives the same rows.
 */
export type StreamProjection<S> = {
  /** Stable name: the consumer name for applied event ids, the checkpoint key, the CLI argument. */
  readonly name: string;
  readonly description: string;
  /** The table with one row per key holding `version` and the folded `state` (jsonb). */
  readonly stateTable: { table: string; key: string; keyType: 'uuid' | 'text' };
  /** Every table the projection writes; emptied before a rebuild. */
  readonly tables: readonly string[];
  /** Pure: the next state, or undefined while there is nothing to show (e.g. no registration yet). */
  evolve(state: S | undefined, event: ProjectedEvent): S | undefined;
  /** Writes the rows of every changed key in as few statements as it can (batched). */
  write(manager: EntityManager, changes: readonly StateChange<S>[]): Promise<void>;
  /**
   * Optional, asynchronous: what `evolve` needs that is not in the event itself (e.g. a
   * sealed phone number opened and reduced to its keyed digest), added to the events before
   * they are folded. The runner calls it on every path alike — a live batch (before its
   * transaction), a rebuild's batch, the events read to heal a gap — so `evolve` stays pure
   * and the rebuild still equals live. It must not drop or reorder events.
   */
  prepare?(events: readonly ProjectedEvent[]): Promise<ProjectedEvent[]>;
};

export type StateChange<S> = {
  key: string;
  /** Events folded into `after` (last revision + 1). */
  version: number;
  /** The state stored before this batch (undefined for a new row). */
  before: S | undefined;
  after: S;
  /** The last event folded, e.g. for a deterministic `updated_at`. */
  lastEvent: ProjectedEvent;
};

/** Reads one stream from the event store in revision order (used to heal a gap). */
export type StreamReader = (streamId: string) => Promise<ProjectedEvent[]>;
