import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The records desk's read models (issue 15 items 3–5), each one row per stream of its own:
 * the typical-case library (`case-<complaintId>`), the disclosures' approvals
 * (`disclosure-<site>-<yyyy-mm>`) and the weekly checks (`record-check-<site>-<yyyy-Www>`).
 * Built from the event store on the first start like every reporting projection.
 */
export class RecordsDesk1765100000000 implements MigrationInterface {
  name = 'RecordsDesk1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE reporting.typical_case (
        stream_id    text PRIMARY KEY,
        complaint_id text        NOT NULL,
        site_id      text        NOT NULL,
        number       text        NOT NULL,
        category     text,
        title        text        NOT NULL,
        summary      text        NOT NULL,
        cause        text        NOT NULL,
        lessons      text        NOT NULL,
        marked       boolean     NOT NULL,
        marked_at    timestamptz NOT NULL,
        version      integer     NOT NULL,
        state        jsonb       NOT NULL,
        updated_at   timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX typical_case_category ON reporting.typical_case (category, marked_at DESC) WHERE marked`);
    await runner.query(`
      CREATE TABLE reporting.disclosure_approval (
        stream_id    text PRIMARY KEY,
        site_id      text        NOT NULL,
        month        text        NOT NULL,
        content_hash text        NOT NULL,
        item_count   integer     NOT NULL,
        approvals    integer     NOT NULL,
        approved_at  timestamptz NOT NULL,
        version      integer     NOT NULL,
        state        jsonb       NOT NULL,
        updated_at   timestamptz NOT NULL
      )`);
    await runner.query(`CREATE UNIQUE INDEX disclosure_approval_site_month ON reporting.disclosure_approval (site_id, month)`);
    await runner.query(`
      CREATE TABLE reporting.weekly_check (
        stream_id    text PRIMARY KEY,
        site_id      text        NOT NULL,
        week         text        NOT NULL,
        findings     integer     NOT NULL,
        issues       integer     NOT NULL,
        completed_at timestamptz,
        chase_level  integer,
        version      integer     NOT NULL,
        state        jsonb       NOT NULL,
        updated_at   timestamptz NOT NULL
      )`);
    await runner.query(`CREATE UNIQUE INDEX weekly_check_site_week ON reporting.weekly_check (site_id, week)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE reporting.weekly_check`);
    await runner.query(`DROP TABLE reporting.disclosure_approval`);
    await runner.query(`DROP TABLE reporting.typical_case`);
  }
}
