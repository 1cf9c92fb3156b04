import type { DataSource } from 'typeorm';
import { COMPLAINT_STREAM_PREFIX } from '@complaints/contracts';
import type { EventStore } from '@complaints/event-store';
import { inSpan } from '@complaints/service-kit';
import {
  ProjectionRunner,
  type ProjectedEvent,
  type ProjectionCheckpoint,
  type ProjectionSource,
  type RebuildOptions,
  type RebuildReport,
  type StreamProjection,
} from '@complaints/read-model';
import { projectedFromRecorded } from './complaint-stream';

/** Complaint streams from the event store, in global order or one stream at a time. */
export const complaintEventSource = (store: EventStore, headPosition?: () => Promise<bigint | undefined>): ProjectionSource => ({
  readAll: (after, maxCount) => store.readAll({ after, maxCount, streamPrefix: COMPLAINT_STREAM_PREFIX }),
  readStream: async (streamId) => (await store.readStream(streamId)).map(projectedFromRecorded).filter((e): e is ProjectedEvent => e !== undefined),
  toProjected: projectedFromRecorded,
  headPosition,
});

/** The PostgreSQL event store's last position (for the rebuild's progress percentage). */
export const postgresHeadPosition =
  (query: (sql: string) => Promise<{ rows: { head: string | null }[] }>, schema = 'event_store') =>
  async (): Promise<bigint | undefined> => {
    const { rows } = await query(`SELECT max(position)::text AS head FROM ${schema}.events`);
    return rows[0]?.head ? BigInt(rows[0].head) : undefined;
  };

/**
 * A service's read models as one unit (docs/architecture.md "Projections"): the projections
 * declared for its schema, fed from the complaint streams. The live path applies each
 * delivered batch to every projection (one transaction per projection, with the applied
 * event ids and under the projection's shared lock); any one of them can be dropped and
 * rebuilt from the event store with the same code.
 */
export class ServiceProjections {
  readonly runner: ProjectionRunner;

  constructor(
    readonly dataSource: DataSource,
    readonly schema: string,
    store: EventStore,
    readonly projections: readonly StreamProjection<unknown>[],
    headPosition?: () => Promise<bigint | undefined>,
  ) {
    this.runner = new ProjectionRunner(dataSource, schema, complaintEventSource(store, headPosition));
  }

  names(): string[] {
    return this.projections.map((p) => p.name);
  }

  find(name: string): StreamProjection<unknown> | undefined {
    return this.projections.find((p) => p.name === name);
  }

  /** Applies a delivered batch to every projection, one transaction per projection; how many events were new to each. */
  async applyLive(events: readonly ProjectedEvent[]): Promise<Record<string, number>> {
    const applied: Record<string, number> = {};
    for (const projection of this.projections) {
      applied[projection.name] = await inSpan(`projection ${projection.name}`, { attributes: { 'complaints.projection': projection.name, 'complaints.event_count': events.length } }, async (span) => {
        const n = await this.runner.applyLiveBatch(projection, events);
        span.setAttribute('complaints.events_applied', n);
        return n;
      });
    }
    return applied;
  }

  rebuild(name: string, options?: RebuildOptions): Promise<RebuildReport> {
    const projection = this.find(name);
    if (!projection) throw new Error(`unknown projection ${name}; one of ${this.names().join(', ')}`);
    return this.runner.rebuild(projection, options);
  }

  checkpoints(): Promise<ProjectionCheckpoint[]> {
    return this.runner.checkpoints();
  }
}
