import { projectionCheckpointsTableSql } from '@complaints/read-model';

/**
 * What every service schema with projections holds besides its tables: the applied event
 * ids (`processed_events`, the same shape the first consumers created) and the projections'
 * checkpoints. Idempotent, so a database whose tables an earlier version created at
 * start-up upgrades cleanly.
 */
export const projectionBookkeepingSql = (schema: string): string[] => [
  `CREATE SCHEMA IF NOT EXISTS ${schema}`,
  `CREATE TABLE IF NOT EXISTS ${schema}.processed_events (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
  )`,
  projectionCheckpointsTableSql(schema),
];
