import type { Pool } from 'pg';

/**
 * Runs schema SQL in one transaction under a transaction-level advisory lock named by
 * `lockName`, so processes starting together do not race on CREATE … IF NOT EXISTS.
 */
export const runLockedMigration = async (pool: Pool, lockName: string, sql: string): Promise<void> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
    await client.query(sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};
