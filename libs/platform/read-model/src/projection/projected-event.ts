import type { RecordedEvent } from '@complaints/event-store';

/**
 * One stored event as a projection sees it, whichever way it arrived: from the bus
 * (live, at least once, possibly out of order) or read from the event store in global
 * order (rebuild, catch-up, healing a gap). `key` is the id of the row the event belongs
 * to (for complaint streams: the complaint id); `revision` is its 0-based place in the
 * stream, which is what makes applying it idempotent.
 */
export type ProjectedEvent = {
  id: string;
  streamId: string;
  key: string;
  revision: number;
  /** Global position in the store (a string: EventStoreDB positions can pass 2^53). */
  position: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** When the store recorded it (ISO-8601); projections use it instead of a clock so a rebuild writes the same rows. */
  recordedAt: string;
};

export const fromRecordedEvent = (event: RecordedEvent, key: string): ProjectedEvent => ({
  id: event.id,
  streamId: event.streamId,
  key,
  revision: Number(event.revision),
  position: event.position.toString(),
  type: event.type,
  data: event.data,
  metadata: event.metadata,
  recordedAt: event.recordedAt.toISOString(),
});
