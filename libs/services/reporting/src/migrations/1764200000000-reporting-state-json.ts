import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The folded state each projection keeps beside its rows (`state`, read back only to continue
 * folding and to answer the complaint view) is stored as `json` instead of `jsonb`: it is
 * never queried inside by an index, and turning several kilobytes of text into `jsonb` (and
 * back to text on every read) was the largest part of a rebuild's write time. `json` keeps
 * the text as written and only checks that it is JSON; `->>` still works on it.
 */
const TABLES = ['reporting.complaint_view', 'reporting.dashboard_case', 'reporting.report_complaint'];

export class ReportingStateJson1764200000000 implements MigrationInterface {
  name = 'ReportingStateJson1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TABLES) await runner.query(`ALTER TABLE ${table} ALTER COLUMN state TYPE json USING state::json`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of TABLES) await runner.query(`ALTER TABLE ${table} ALTER COLUMN state TYPE jsonb USING state::jsonb`);
  }
}
