import type { MigrationInterface, QueryRunner } from 'typeorm';
import { projectionBookkeepingSql } from '@complaints/service-common';

/**
 * Intake's read model: the contact index of repeat detection (projection `contact-index`:
 * intake.contact_index, and its folded state per complaint in intake.contact_index_state),
 * the applied event ids and the projections' checkpoints. Written with IF NOT EXISTS: a
 * database whose tables the consumer used to create at start-up upgrades in place.
 */
export class IntakeInitial1765000000000 implements MigrationInterface {
  name = 'IntakeInitial1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    const statements = [
      ...projectionBookkeepingSql('intake'),
      `CREATE TABLE IF NOT EXISTS intake.contact_index (
        complaint_id uuid PRIMARY KEY,
        site_id      text        NOT NULL,
        phone_digest text        NOT NULL,
        category     text        NOT NULL,
        received_at  timestamptz NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS contact_index_lookup ON intake.contact_index (site_id, phone_digest, category, received_at DESC)`,
      // One row per complaint (indexed or not: anonymous, no phone, erased), so the projection
      // knows how far each complaint's events are folded.
      `CREATE TABLE IF NOT EXISTS intake.contact_index_state (
        complaint_id uuid PRIMARY KEY,
        version      integer     NOT NULL,
        state        jsonb       NOT NULL,
        updated_at   timestamptz NOT NULL
      )`,
    ];
    for (const sql of statements) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['contact_index_state', 'contact_index', 'projection_checkpoints']) await runner.query(`DROP TABLE IF EXISTS intake.${table}`);
  }
}
