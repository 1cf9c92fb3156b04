import type { MigrationInterface, QueryRunner } from 'typeorm';
import { complaintTrackingMigrationSql, projectionBookkeepingSql } from '@complaints/service-common';

/**
 * The callback schema: the case records and the callback tasks (both written by projection
 * `callback-tasks`), the applied event ids and the projections' checkpoints. Written with IF
 * NOT EXISTS: a database whose tables the consumer used to create at start-up upgrades in place.
 */
export class CallbackInitial1765000000000 implements MigrationInterface {
  name = 'CallbackInitial1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    const statements = [
      ...projectionBookkeepingSql('callback'),
      ...complaintTrackingMigrationSql('callback', 'cases'),
      `CREATE TABLE IF NOT EXISTS callback.tasks (
        complaint_id uuid PRIMARY KEY,
        site_id      text        NOT NULL,
        number       text        NOT NULL,
        status       text        NOT NULL,
        opened_at    timestamptz NOT NULL,
        due_at       timestamptz,
        attempts     integer     NOT NULL DEFAULT 0,
        round        integer     NOT NULL DEFAULT 1,
        satisfaction integer,
        closed_at    timestamptz,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX IF NOT EXISTS callback_tasks_open ON callback.tasks (site_id, due_at) WHERE status = 'open'`,
    ];
    for (const sql of statements) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['tasks', 'cases', 'projection_checkpoints']) await runner.query(`DROP TABLE IF EXISTS callback.${table}`);
  }
}
