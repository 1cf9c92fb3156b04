import type { Pool } from 'pg';

/**
 * Runs idempotent DDL for a service's schema under an advisory lock, so several
 * instances starting together do not race on CREATE statements.
 */
export const migrateSql = async (pool: Pool, lockName: string, sql: string): Promise<void> => {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${lockName}`]);
    await client.query(sql);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${lockName}`]).catch(() => undefined);
    client.release();
  }
};
