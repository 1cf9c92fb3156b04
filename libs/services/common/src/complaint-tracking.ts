import { upsertRows, type ColumnSpec, type StreamProjection } from '@complaints/read-model';

/**
 * The minimal local record a writing service keeps of each complaint it has heard of
 * (its own schema, fed from the bus): which complaints exist, at which site, the last
 * event seen and how many (`events_seen`: the stream's length, so a double apply shows).
 * Declared once as a projection (the fold below); each service names its table.
 */
export type ComplaintTracking = { siteId: string; number: string; registeredAt: string; lastEvent: string };

/** The table as the first versions created it at start-up, plus the projection's `version` and `state`. */
export const complaintTrackingMigrationSql = (schema: string, table: string): string[] => [
  `CREATE SCHEMA IF NOT EXISTS ${schema}`,
  `CREATE TABLE IF NOT EXISTS ${schema}.${table} (
    complaint_id  uuid PRIMARY KEY,
    site_id       text        NOT NULL,
    number        text        NOT NULL,
    registered_at timestamptz NOT NULL,
    last_event    text        NOT NULL,
    events_seen   integer     NOT NULL DEFAULT 1,
    updated_at    timestamptz NOT NULL DEFAULT now()
  )`,
  // Rows written before the projection engine have version 0: the next event of their
  // complaint heals them from the event store (and the start-up build rewrites them all).
  `ALTER TABLE ${schema}.${table} ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 0`,
  `ALTER TABLE ${schema}.${table} ADD COLUMN IF NOT EXISTS state jsonb`,
];

const COLUMNS: ColumnSpec[] = [
  { name: 'complaint_id', type: 'uuid' },
  { name: 'site_id', type: 'text' },
  { name: 'number', type: 'text' },
  { name: 'registered_at', type: 'timestamptz' },
  { name: 'last_event', type: 'text' },
  { name: 'events_seen', type: 'integer' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'jsonb' },
];

/** Pure fold: the registration starts the record, every later event is the new last one. */
export const evolveTracking = (state: ComplaintTracking | null | undefined, event: { type: string; data: Record<string, unknown> }): ComplaintTracking | undefined => {
  if (event.type === 'ComplaintRegistered') {
    const data = event.data as { number: string; siteId: string; receivedAt: string };
    return state ? { ...state, lastEvent: event.type } : { siteId: data.siteId, number: data.number, registeredAt: data.receivedAt, lastEvent: event.type };
  }
  return state ? { ...state, lastEvent: event.type } : undefined;
};

export const complaintTrackingProjection = (name: string, schema: string, table: string, description: string): StreamProjection<ComplaintTracking> => ({
  name,
  description,
  stateTable: { table: `${schema}.${table}`, key: 'complaint_id', keyType: 'uuid' },
  tables: [`${schema}.${table}`],
  evolve: (state, event) => evolveTracking(state, event),
  write: async (manager, changes) => {
    const rows = changes.map(({ key, version, after, lastEvent }) => ({
      complaint_id: key,
      site_id: after.siteId,
      number: after.number,
      registered_at: after.registeredAt,
      last_event: after.lastEvent,
      events_seen: version,
      updated_at: lastEvent.recordedAt,
      version,
      state: after,
    }));
    await upsertRows(manager, `${schema}.${table}`, COLUMNS, ['complaint_id'], rows, { chunkSize: 1_000 });
  },
});
