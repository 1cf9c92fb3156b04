import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The month-end reminders of the managers' callback minimums: one row per person, site and month (its key). */
export class CallbackQuotaReminders1765300000000 implements MigrationInterface {
  name = 'CallbackQuotaReminders1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE reporting.callback_quota_reminder (
        key         text PRIMARY KEY,
        site_id     text        NOT NULL,
        month       text        NOT NULL,
        actor_id    text        NOT NULL,
        actor_name  text,
        role        text        NOT NULL,
        callbacks   integer     NOT NULL,
        required    integer     NOT NULL,
        missing     integer     NOT NULL,
        days_left   integer     NOT NULL,
        reminded_at timestamptz NOT NULL
      );
      CREATE INDEX callback_quota_reminder_site_month ON reporting.callback_quota_reminder (site_id, month);`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS reporting.callback_quota_reminder`);
  }
}
