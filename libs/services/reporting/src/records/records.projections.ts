import type { EntityManager } from 'typeorm';
import {
  MONTHLY_PACK_EVENT_TYPES,
  MONTHLY_PACK_STREAM_PREFIX,
  YEAR_SEAL_EVENT_TYPES,
  YEAR_SEAL_STREAM_PREFIX,
  evolveMonthlyPack,
  evolveYearSeal,
  initialMonthlyPackState,
  initialYearSealState,
  type MonthlyPackEvent,
  type MonthlyPackState,
  type YearSealEvent,
  type YearSealState,
} from '@complaints/domain';
import type { EventStore, RecordedEvent } from '@complaints/event-store';
import { fromRecordedEvent, upsertRows, type ColumnSpec, type ProjectedEvent, type ProjectionSource, type StateChange, type StreamProjection } from '@complaints/read-model';

/**
 * The records desk's read models (issue 15 §6–7), declared like the complaint projections
 * (one row per stream folded with the domain's own evolve, a version per row, rebuildable
 * from the event store) but over their own streams: `monthly-pack-<site>-<yyyy-mm>` and
 * `year-seal-<site>-<yyyy>`. Those streams are not relayed to Kafka (the relay publishes
 * complaint streams only), so the service that appends to them applies its new events to
 * these projections right away, and a catch-up at start (and on every scheduler tick) reads
 * whatever another process appended.
 */
const MONTHLY_PACK_TYPES = new Set<string>(MONTHLY_PACK_EVENT_TYPES);
const YEAR_SEAL_TYPES = new Set<string>(YEAR_SEAL_EVENT_TYPES);

const PACK_COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'text' },
  { name: 'site_id', type: 'text' },
  { name: 'month', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'due_by', type: 'text' },
  { name: 'files', type: 'jsonb' },
  { name: 'generated_at', type: 'timestamptz' },
  { name: 'signed_off_at', type: 'timestamptz' },
  { name: 'signed_off_by', type: 'text' },
  { name: 'signed_sha256', type: 'text' },
  { name: 'late', type: 'boolean' },
  { name: 'chases', type: 'integer' },
  { name: 'last_chased_on', type: 'text' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'jsonb' },
  { name: 'updated_at', type: 'timestamptz' },
];

export const monthlyPackProjection: StreamProjection<MonthlyPackState> = {
  name: 'monthly-pack',
  description: 'GET /api/records/monthly-packs',
  stateTable: { table: 'reporting.monthly_pack', key: 'id', keyType: 'text' },
  tables: ['reporting.monthly_pack'],
  evolve: (state, event) => {
    if (!MONTHLY_PACK_TYPES.has(event.type)) return state;
    const next = evolveMonthlyPack(state ?? initialMonthlyPackState(), { type: event.type, data: event.data } as unknown as MonthlyPackEvent);
    return next.status === 'none' ? undefined : next;
  },
  write: async (manager: EntityManager, changes: readonly StateChange<MonthlyPackState>[]) => {
    const rows = changes.map(({ key, version, after: p, lastEvent }) => ({
      id: key,
      site_id: p.siteId,
      month: p.month,
      status: p.status,
      due_by: p.dueBy,
      files: p.files,
      generated_at: p.generatedAt,
      signed_off_at: p.signedOff?.at ?? null,
      signed_off_by: p.signedOff ? (p.signedOff.by.name ?? p.signedOff.by.id) : null,
      signed_sha256: p.signedOff?.sha256 ?? null,
      late: p.signedOff?.late ?? null,
      chases: p.chasedOn.length,
      last_chased_on: p.chasedOn[p.chasedOn.length - 1] ?? null,
      version,
      state: p,
      updated_at: lastEvent.recordedAt,
    }));
    await upsertRows(manager, 'reporting.monthly_pack', PACK_COLUMNS, ['id'], rows);
  },
};

const SEAL_COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'text' },
  { name: 'site_id', type: 'text' },
  { name: 'year', type: 'integer' },
  { name: 'editions', type: 'jsonb' },
  { name: 'complaints', type: 'integer' },
  { name: 'purged', type: 'integer' },
  { name: 'last_sealed_at', type: 'timestamptz' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'jsonb' },
  { name: 'updated_at', type: 'timestamptz' },
];

const RECORD_COLUMNS: ColumnSpec[] = [
  { name: 'complaint_id', type: 'text' },
  { name: 'site_id', type: 'text' },
  { name: 'year', type: 'integer' },
  { name: 'number', type: 'text' },
  { name: 'major', type: 'boolean' },
  { name: 'retain_until', type: 'text' },
  { name: 'earliest_purge_date', type: 'text' },
  { name: 'purged_at', type: 'timestamptz' },
];

export const yearSealProjection: StreamProjection<YearSealState> = {
  name: 'year-seal',
  description: 'GET /api/records/year-seals',
  stateTable: { table: 'reporting.year_seal', key: 'id', keyType: 'text' },
  tables: ['reporting.year_seal', 'reporting.sealed_record'],
  evolve: (state, event) => {
    if (!YEAR_SEAL_TYPES.has(event.type)) return state;
    const next = evolveYearSeal(state ?? initialYearSealState(), { type: event.type, data: event.data } as unknown as YearSealEvent);
    return next.editions.length === 0 ? undefined : next;
  },
  write: async (manager: EntityManager, changes: readonly StateChange<YearSealState>[]) => {
    const seals = changes.map(({ key, version, after: s, lastEvent }) => ({
      id: key,
      site_id: s.siteId,
      year: s.year,
      editions: s.editions,
      complaints: Object.keys(s.records).length,
      purged: Object.keys(s.purged).length,
      last_sealed_at: s.editions[s.editions.length - 1].at,
      version,
      state: s,
      updated_at: lastEvent.recordedAt,
    }));
    await upsertRows(manager, 'reporting.year_seal', SEAL_COLUMNS, ['id'], seals);
    const records = changes.flatMap(({ after: s }) =>
      Object.values(s.records).map((r) => ({
        complaint_id: r.complaintId,
        site_id: s.siteId,
        year: s.year,
        number: r.number,
        major: r.major,
        retain_until: r.retainUntil,
        earliest_purge_date: r.earliestPurgeDate,
        purged_at: s.purged[r.complaintId] ?? null,
      })),
    );
    await upsertRows(manager, 'reporting.sealed_record', RECORD_COLUMNS, ['site_id', 'year', 'complaint_id'], records);
  },
};

/** A records stream's event as its projection sees it (the key is the stream id). */
const projectedFor =
  (prefix: string) =>
  (event: RecordedEvent): ProjectedEvent | undefined =>
    event.streamId.startsWith(prefix) ? fromRecordedEvent(event, event.streamId) : undefined;

/** The event source of a records projection: its streams only. */
export const recordsEventSource = (store: EventStore, prefix: typeof MONTHLY_PACK_STREAM_PREFIX | typeof YEAR_SEAL_STREAM_PREFIX): ProjectionSource => {
  const toProjected = projectedFor(prefix);
  return {
    readAll: (after, maxCount) => store.readAll({ after, maxCount, streamPrefix: prefix }),
    readStream: async (streamId) => (await store.readStream(streamId)).map(toProjected).filter((e): e is ProjectedEvent => e !== undefined),
    toProjected,
  };
};

export const RECORDS_PROJECTIONS = [
  { projection: monthlyPackProjection as StreamProjection<unknown>, prefix: MONTHLY_PACK_STREAM_PREFIX },
  { projection: yearSealProjection as StreamProjection<unknown>, prefix: YEAR_SEAL_STREAM_PREFIX },
] as const;
