import type { PoolClient } from 'pg';
import type { ComplaintEventMessage } from '@complaints/contracts';

/**
 * The minimal local record a writing service keeps of each complaint it has heard of
 * (its own schema, fed from the bus): which complaints exist, at which site, and the
 * last event seen. Services grow their own tables beside it as they take on work.
 */
export const complaintTrackingTableSql = (schema: string, table: string): string => `
CREATE TABLE IF NOT EXISTS ${schema}.${table} (
  complaint_id  uuid PRIMARY KEY,
  site_id       text        NOT NULL,
  number        text        NOT NULL,
  registered_at timestamptz NOT NULL,
  last_event    text        NOT NULL,
  events_seen   integer     NOT NULL DEFAULT 1,
  updated_at    timestamptz NOT NULL DEFAULT now()
);`;

export const trackComplaintEvent = async (client: PoolClient, schema: string, table: string, event: ComplaintEventMessage): Promise<void> => {
  if (event.type === 'ComplaintRegistered') {
    const data = event.data as { number: string; siteId: string; receivedAt: string };
    await client.query(
      `INSERT INTO ${schema}.${table} (complaint_id, site_id, number, registered_at, last_event)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (complaint_id) DO NOTHING`,
      [event.complaintId, data.siteId, data.number, data.receivedAt, event.type],
    );
    return;
  }
  await client.query(
    `UPDATE ${schema}.${table} SET last_event = $2, events_seen = events_seen + 1, updated_at = now() WHERE complaint_id = $1`,
    [event.complaintId, event.type],
  );
};
