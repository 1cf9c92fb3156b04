import { DataSource, type EntityManager, type MixedList } from 'typeorm';

/**
 * Read models are PostgreSQL tables written through TypeORM; each service owns one
 * schema and its own migrations (docs/architecture.md "Read models").
 */
export type ReadModelDataSourceOptions = {
  url: string;
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity/migration classes
  entities: MixedList<Function | string>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
};

export const createReadModelDataSource = (options: ReadModelDataSourceOptions): DataSource =>
  new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: `${options.schema}_migrations`,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: { max: options.poolSize ?? 5 },
  });

/** Runs pending migrations under an advisory lock so several instances can start together. */
export const migrateReadModel = async (dataSource: DataSource, schema: string): Promise<void> => {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${schema}`]).catch(() => undefined);
    await runner.release();
  }
};

/**
 * Records the ids of a batch that `consumer` had not applied yet, inside the caller's
 * transaction, and returns them (the caller applies only those).
 */
export const markProcessedBatch = async (manager: EntityManager, schema: string, consumer: string, eventIds: readonly string[]): Promise<Set<string>> => {
  if (eventIds.length === 0) return new Set();
  const result: unknown = await manager.query(
    `INSERT INTO ${schema}.processed_events (consumer, event_id) SELECT $1, id FROM unnest($2::uuid[]) AS id ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, [...new Set(eventIds)]],
  );
  const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as { event_id: string }[];
  return new Set(rows.map((r) => r.event_id));
};

/**
 * Records that `consumer` applied `eventId` inside the caller's transaction; returns
 * false if it already had (the caller then skips the effect). The table is
 * `<schema>.processed_events`, created by the service's first migration.
 */
export const markProcessed = async (manager: EntityManager, schema: string, consumer: string, eventId: string): Promise<boolean> => {
  const result: unknown = await manager.query(
    `INSERT INTO ${schema}.processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, eventId],
  );
  // TypeORM returns [rows, count] for INSERT … RETURNING on postgres in some versions, rows in others.
  const rows = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result;
  return Array.isArray(rows) && rows.length > 0;
};
