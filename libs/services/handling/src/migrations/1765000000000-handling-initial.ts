import type { MigrationInterface, QueryRunner } from 'typeorm';
import { complaintTrackingMigrationSql, projectionBookkeepingSql } from '@complaints/service-common';

/**
 * The handling schema: the case records (projection `handling-cases`), the deadline timers
 * (projection `deadline-timers`), the scheduler's own snoozes, the notices delivered, the
 * applied event ids and the projections' checkpoints. Written with IF NOT EXISTS: a database
 * whose tables the consumers used to create at start-up upgrades in place.
 */
export class HandlingInitial1765000000000 implements MigrationInterface {
  name = 'HandlingInitial1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    const statements = [
      ...projectionBookkeepingSql('handling'),
      ...complaintTrackingMigrationSql('handling', 'cases'),
      `CREATE TABLE IF NOT EXISTS handling.deadline_timers (
        complaint_id  uuid PRIMARY KEY,
        site_id       text        NOT NULL,
        next_check_at timestamptz,
        version       integer     NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX IF NOT EXISTS deadline_timers_due ON handling.deadline_timers (next_check_at) WHERE next_check_at IS NOT NULL`,
      // The projection keeps the folded complaint beside each timer. A timer written before
      // (no state) counts as nothing folded yet: its next event heals it from the event store.
      `ALTER TABLE handling.deadline_timers ADD COLUMN IF NOT EXISTS state jsonb`,
      `UPDATE handling.deadline_timers SET version = 0 WHERE state IS NULL AND version <> 0`,
      // The scheduler's reaction state, not a projection: "looked at this version, nothing to do
      // before `until`" (a refused command, a deadline the review found not due yet).
      `CREATE TABLE IF NOT EXISTS handling.deadline_snoozes (
        complaint_id uuid PRIMARY KEY,
        version      integer     NOT NULL,
        until        timestamptz,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE IF NOT EXISTS handling.notifications (
        event_id     uuid PRIMARY KEY,
        kind         text        NOT NULL,
        complaint_id uuid        NOT NULL,
        to_role      text        NOT NULL,
        channel      text        NOT NULL,
        payload      jsonb       NOT NULL,
        delivered_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX IF NOT EXISTS notifications_complaint ON handling.notifications (complaint_id)`,
    ];
    for (const sql of statements) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['deadline_snoozes', 'deadline_timers', 'cases', 'projection_checkpoints']) await runner.query(`DROP TABLE IF EXISTS handling.${table}`);
  }
}
