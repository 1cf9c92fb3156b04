import type { MigrationInterface, QueryRunner } from 'typeorm';
import { complaintTrackingMigrationSql, projectionBookkeepingSql } from '@complaints/service-common';

/**
 * The triage schema: the duty officer's inbox (projection `triage-inbox`), the applied event
 * ids and the projections' checkpoints. Written with IF NOT EXISTS: a database whose tables the
 * consumer used to create at start-up upgrades in place (the inbox gains `version` and `state`).
 */
export class TriageInitial1765000000000 implements MigrationInterface {
  name = 'TriageInitial1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of [...projectionBookkeepingSql('triage'), ...complaintTrackingMigrationSql('triage', 'inbox')]) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS triage.inbox`);
    await runner.query(`DROP TABLE IF EXISTS triage.projection_checkpoints`);
  }
}
