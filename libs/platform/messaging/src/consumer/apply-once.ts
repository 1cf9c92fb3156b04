import type { Pool, PoolClient } from 'pg';

/**
 * Idempotent consumers (docs/architecture.md): the id of every applied event is recorded in
 * the same transaction as the effect, so a redelivered message changes nothing and a
 * crash mid-way leaves neither the effect nor the record.
 */
export const processedEventsTableSql = (schema: string): string => `
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.processed_events (
  consumer     text        NOT NULL,
  event_id     uuid        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);`;

export type ApplyOnceResult = 'applied' | 'duplicate';

export const applyOnce = async (
  pool: Pool,
  schema: string,
  consumer: string,
  eventId: string,
  effect: (client: PoolClient) => Promise<void>,
): Promise<ApplyOnceResult> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `INSERT INTO ${schema}.processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [consumer, eventId],
    );
    if (!rowCount) {
      await client.query('ROLLBACK');
      return 'duplicate';
    }
    await effect(client);
    await client.query('COMMIT');
    return 'applied';
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackFailed: Error) => {
      broken = rollbackFailed; // the connection itself is gone: do not hand it back to the pool
    });
    throw error;
  } finally {
    client.release(broken);
  }
};

/**
 * The batch form of `applyOnce`: one transaction for a delivered batch. The ids not yet
 * recorded for this consumer are recorded and their items handed to `effect` (in the
 * batch's order, each once even if the batch holds it twice); items applied before —
 * a redelivery, or a batch that failed half-way and comes again — are left out. Effect
 * and records commit together or not at all.
 */
export const applyOnceBatch = async <T extends { eventId: string }>(
  pool: Pool,
  schema: string,
  consumer: string,
  items: readonly T[],
  effect: (client: PoolClient, fresh: T[]) => Promise<void>,
): Promise<T[]> => {
  if (items.length === 0) return [];
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ event_id: string }>(
      `INSERT INTO ${schema}.processed_events (consumer, event_id) SELECT $1, id FROM unnest($2::uuid[]) AS id ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, [...new Set(items.map((item) => item.eventId))]],
    );
    const recorded = new Set(rows.map((r) => r.event_id));
    const fresh = items.filter((item) => recorded.delete(item.eventId));
    if (fresh.length > 0) await effect(client, fresh);
    await client.query('COMMIT');
    return fresh;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackFailed: Error) => {
      broken = rollbackFailed;
    });
    throw error;
  } finally {
    client.release(broken);
  }
};
