import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportingInitial1764000000000 implements MigrationInterface {
  name = 'ReportingInitial1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SCHEMA IF NOT EXISTS reporting`);
    await runner.query(`
      CREATE TABLE reporting.processed_events (
        consumer     text        NOT NULL,
        event_id     uuid        NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await runner.query(`
      CREATE TABLE reporting.complaint_view (
        id                   uuid PRIMARY KEY,
        number               text        NOT NULL,
        site_id              text        NOT NULL,
        channel              text        NOT NULL,
        status               text        NOT NULL,
        nature               text,
        severity             text,
        urgency              text,
        major                boolean     NOT NULL DEFAULT false,
        category             text,
        department           text,
        assignee             text,
        complainant          jsonb       NOT NULL,
        title                text        NOT NULL,
        description          text        NOT NULL,
        received_at          timestamptz NOT NULL,
        deadlines            jsonb       NOT NULL DEFAULT '{}',
        escalation_level     integer     NOT NULL DEFAULT 0,
        reopen_count         integer     NOT NULL DEFAULT 0,
        satisfaction         integer,
        closed_at            timestamptz,
        related_complaint_id text,
        repeat_count         integer     NOT NULL DEFAULT 0,
        version              integer     NOT NULL,
        state                jsonb       NOT NULL,
        updated_at           timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX complaint_view_site_received ON reporting.complaint_view (site_id, received_at DESC)`);
    await runner.query(`CREATE INDEX complaint_view_status ON reporting.complaint_view (status)`);
    await runner.query(`CREATE INDEX complaint_view_department ON reporting.complaint_view (department)`);
    // Substring search that works for Chinese text: trigram indexes (pg_trgm ships with
    // PostgreSQL, including the embedded build). Without the extension, search still
    // works through a sequential scan.
    const [{ available }] = (await runner.query(`SELECT count(*) > 0 AS available FROM pg_available_extensions WHERE name = 'pg_trgm'`)) as { available: boolean }[];
    if (available) {
      await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      await runner.query(`CREATE INDEX complaint_view_text_trgm ON reporting.complaint_view USING gin ((title || ' ' || description) gin_trgm_ops)`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS reporting.complaint_view`);
    await runner.query(`DROP TABLE IF EXISTS reporting.processed_events`);
  }
}
