import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { PostgresEventStore } from '@complaints/event-store';
import { openReportingDataSource } from '../reporting.module';
import { ReportingProjections } from '../projections/reporting-projections';

/** A real event store and the reporting schema in one (test) database. */
export type ReportingHarness = { dataSource: DataSource; pool: Pool; store: PostgresEventStore; projections: ReportingProjections; close(): Promise<void> };

export const openReportingHarness = async (databaseUrl: string, options: { chainKey?: Buffer } = {}): Promise<ReportingHarness> => {
  const pool = new Pool({ connectionString: databaseUrl, max: 6 });
  // An idle connection closed by the server (another test dropping its database with FORCE,
  // a restart) is replaced by the pool; it must not crash the test run.
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool, chainKey: options.chainKey });
  await store.migrate();
  const dataSource = await openReportingDataSource(databaseUrl, 4);
  const projections = new ReportingProjections(dataSource, store);
  return {
    dataSource,
    pool,
    store,
    projections,
    close: async () => {
      await dataSource.destroy();
      await store.close();
      await pool.end();
    },
  };
};

/** A checksum of a table's rows in key order: equal checksums, equal rows. */
/**
 * The rows' content in order, as one md5. Each row goes through `to_jsonb`, so a `json`
 * column (the folded state) is compared by its meaning, not by the order its keys were
 * written in: a state folded in one go and one folded across batches hold the same keys.
 */
export const tableChecksum = async (dataSource: DataSource, table: string, orderBy: string): Promise<{ rows: number; md5: string }> => {
  const [r] = (await dataSource.query(`SELECT count(*)::int AS rows, coalesce(md5(string_agg(to_jsonb(t)::text, E'\\n' ORDER BY ${orderBy})), '') AS md5 FROM ${table} t`)) as { rows: number; md5: string }[];
  return r;
};

/**
 * Waits until reading the store in global order shows every event stored. The store shows an
 * event in `$all` only once every older transaction in the cluster has ended (its ordering rule),
 * so right after appending, under a busy test run (other databases' long transactions), the
 * tail may appear a moment later — a rebuild started before would miss it.
 */
export const untilAllVisible = async (h: Pick<ReportingHarness, 'dataSource' | 'store'>, timeoutMs = 50_000): Promise<void> => {
  const [{ n }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM event_store.events`)) as { n: number }[];
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  for (let after = 0n; seen < n; ) {
    const batch = await h.store.readAll({ after, maxCount: 1_000 });
    if (batch.length === 0) {
      if (Date.now() > deadline) throw new Error(`only ${seen} of ${n} stored events visible after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    seen += batch.length;
    after = batch[batch.length - 1].position;
  }
};
