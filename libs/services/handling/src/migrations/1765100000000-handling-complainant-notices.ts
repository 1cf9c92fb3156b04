import type { MigrationInterface, QueryRunner } from 'typeorm';
import { complainantNoticesTableSql } from '../complainant-notices/complainant-notices.table';

/**
 * The complainant notices' outbox (a reaction's own table, not a projection: a rebuild sends
 * nothing). Its statements use IF NOT EXISTS, so a database where the notices consumer created
 * it at start-up upgrades in place.
 */
export class HandlingComplainantNotices1765100000000 implements MigrationInterface {
  name = 'HandlingComplainantNotices1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(complainantNoticesTableSql);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS handling.complainant_notices`);
  }
}
