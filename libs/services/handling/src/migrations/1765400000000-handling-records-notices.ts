import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The records desk's chases are delivered by the same notifier as the complaint chases: a
 * delivered notice is about a complaint (`complaint_id`) or, for a records-desk notice, a
 * site's month or week (`subject`: `{ siteId, month? , week? }`).
 */
export class HandlingRecordsNotices1765400000000 implements MigrationInterface {
  name = 'HandlingRecordsNotices1765400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE handling.notifications ALTER COLUMN complaint_id DROP NOT NULL`);
    await runner.query(`ALTER TABLE handling.notifications ADD COLUMN IF NOT EXISTS subject jsonb`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM handling.notifications WHERE complaint_id IS NULL`);
    await runner.query(`ALTER TABLE handling.notifications DROP COLUMN IF EXISTS subject`);
    await runner.query(`ALTER TABLE handling.notifications ALTER COLUMN complaint_id SET NOT NULL`);
  }
}
