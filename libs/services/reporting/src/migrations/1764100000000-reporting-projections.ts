import type { MigrationInterface, QueryRunner } from 'typeorm';
import { projectionCheckpointsTableSql } from '@complaints/read-model';

/**
 * The department dashboard's cases, the monthly pack's facts, and every projection's
 * checkpoint. A projection that has no checkpoint yet is built from the event store when
 * the service starts (see ReportingProjections), so upgrading an existing installation
 * fills these tables from history.
 */
export class ReportingProjections1764100000000 implements MigrationInterface {
  name = 'ReportingProjections1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(projectionCheckpointsTableSql('reporting'));
    await runner.query(`
      CREATE TABLE reporting.dashboard_case (
        id               uuid PRIMARY KEY,
        site_id          text        NOT NULL,
        department       text,
        category         text,
        status           text        NOT NULL,
        number           text        NOT NULL,
        title            text        NOT NULL,
        urgency          text,
        major            boolean     NOT NULL DEFAULT false,
        escalation_level integer     NOT NULL DEFAULT 0,
        received_at      timestamptz NOT NULL,
        resolved_at      timestamptz,
        closed_at        timestamptz,
        due_first_reply  timestamptz,
        due_second_reply timestamptz,
        due_plan         timestamptz,
        due_resolve      timestamptz,
        due_follow_up    timestamptz,
        due_callback     timestamptz,
        version          integer     NOT NULL,
        state            jsonb       NOT NULL,
        updated_at       timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX dashboard_case_site_department ON reporting.dashboard_case (site_id, department, status)`);
    await runner.query(`CREATE INDEX dashboard_case_open_received ON reporting.dashboard_case (site_id, received_at) WHERE status IN ('registered', 'triaged', 'in_progress', 'reopened')`);
    await runner.query(`
      CREATE TABLE reporting.report_complaint (
        id           uuid PRIMARY KEY,
        site_id      text        NOT NULL,
        number       text        NOT NULL,
        title        text        NOT NULL,
        description  text        NOT NULL,
        channel      text        NOT NULL,
        category     text,
        nature       text,
        department   text,
        major        boolean     NOT NULL DEFAULT false,
        repeat       boolean     NOT NULL DEFAULT false,
        status       text        NOT NULL,
        received_at  timestamptz NOT NULL,
        closed_at    timestamptz,
        reopen_count integer     NOT NULL DEFAULT 0,
        version      integer     NOT NULL,
        state        jsonb       NOT NULL,
        updated_at   timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX report_complaint_site_received ON reporting.report_complaint (site_id, received_at)`);
    await runner.query(`
      CREATE TABLE reporting.report_fact (
        complaint_id uuid        NOT NULL,
        ordinal      integer     NOT NULL,
        site_id      text        NOT NULL,
        kind         text        NOT NULL,
        stage        text,
        at           timestamptz NOT NULL,
        started_at   timestamptz,
        due_at       timestamptz,
        ended_at     timestamptz,
        outcome      text,
        breached     boolean,
        actor_id     text,
        actor_role   text,
        actor_name   text,
        method       text,
        reached      boolean,
        satisfaction integer,
        PRIMARY KEY (complaint_id, ordinal)
      )`);
    await runner.query(`CREATE INDEX report_fact_site_at ON reporting.report_fact (site_id, at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS reporting.report_fact`);
    await runner.query(`DROP TABLE IF EXISTS reporting.report_complaint`);
    await runner.query(`DROP TABLE IF EXISTS reporting.dashboard_case`);
    await runner.query(`DROP TABLE IF EXISTS reporting.projection_checkpoints`);
  }
}
