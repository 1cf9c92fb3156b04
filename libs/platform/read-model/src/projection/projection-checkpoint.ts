import type { EntityManager } from 'typeorm';

/**
 * Where each projection of a schema stands: the global position its last rebuild or
 * catch-up batch reached, how many events that covered, and whether it is `live` or still
 * `rebuilding`. Written in the same transaction as the rows of that batch, so after a
 * crash the position and the rows agree and a rebuild can resume.
 */
export const projectionCheckpointsTableSql = (schema: string): string => `
CREATE TABLE IF NOT EXISTS ${schema}.projection_checkpoints (
  name         text        PRIMARY KEY,
  position     text        NOT NULL DEFAULT '0',
  events       bigint      NOT NULL DEFAULT 0,
  status       text        NOT NULL,
  started_at   timestamptz,
  finished_at  timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  last_error   text
);`;

export type ProjectionStatus = 'rebuilding' | 'live' | 'failed';

export type ProjectionCheckpoint = {
  name: string;
  position: string;
  events: number;
  status: ProjectionStatus;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  lastError: string | null;
};

type CheckpointRow = {
  name: string;
  position: string;
  events: string;
  status: ProjectionStatus;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  last_error: string | null;
};

const toCheckpoint = (row: CheckpointRow): ProjectionCheckpoint => ({
  name: row.name,
  position: row.position,
  events: Number(row.events),
  status: row.status,
  startedAt: row.started_at?.toISOString() ?? null,
  finishedAt: row.finished_at?.toISOString() ?? null,
  updatedAt: row.updated_at.toISOString(),
  lastError: row.last_error,
});

export const readCheckpoints = async (manager: EntityManager, schema: string): Promise<ProjectionCheckpoint[]> =>
  ((await manager.query(`SELECT * FROM ${schema}.projection_checkpoints ORDER BY name`)) as CheckpointRow[]).map(toCheckpoint);

export const readCheckpoint = async (manager: EntityManager, schema: string, name: string): Promise<ProjectionCheckpoint | undefined> => {
  const rows = (await manager.query(`SELECT * FROM ${schema}.projection_checkpoints WHERE name = $1`, [name])) as CheckpointRow[];
  return rows.length ? toCheckpoint(rows[0]) : undefined;
};

export const startCheckpoint = async (manager: EntityManager, schema: string, name: string): Promise<void> => {
  await manager.query(
    `INSERT INTO ${schema}.projection_checkpoints (name, position, events, status, started_at, finished_at, updated_at, last_error)
     VALUES ($1, '0', 0, 'rebuilding', now(), NULL, now(), NULL)
     ON CONFLICT (name) DO UPDATE SET position = '0', events = 0, status = 'rebuilding', started_at = now(), finished_at = NULL, updated_at = now(), last_error = NULL`,
    [name],
  );
};

export const advanceCheckpoint = async (manager: EntityManager, schema: string, name: string, position: string, events: number): Promise<void> => {
  await manager.query(`UPDATE ${schema}.projection_checkpoints SET position = $2, events = events + $3, updated_at = now() WHERE name = $1`, [name, position, events]);
};

export const finishCheckpoint = async (manager: EntityManager, schema: string, name: string, status: ProjectionStatus, error?: string): Promise<void> => {
  await manager.query(
    `UPDATE ${schema}.projection_checkpoints SET status = $2, finished_at = CASE WHEN $2 = 'live' THEN now() ELSE finished_at END, updated_at = now(), last_error = $3 WHERE name = $1`,
    [name, status, error ?? null],
  );
};

/** Records many applied event ids at once (the rebuild's counterpart of `markProcessed`). */
export const markProcessedMany = async (manager: EntityManager, schema: string, consumer: string, eventIds: readonly string[]): Promise<void> => {
  if (eventIds.length === 0) return;
  await manager.query(
    `INSERT INTO ${schema}.processed_events (consumer, event_id) SELECT $1, id FROM unnest($2::uuid[]) AS id ON CONFLICT DO NOTHING`,
    [consumer, eventIds],
  );
};
