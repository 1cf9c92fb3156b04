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
