import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The records desk (issue 15 §6–7): the immutable snapshots (content-addressed bytes of each
 * monthly pack and each sealed yearly archive), and the read models of the monthly packs'
 * sign-off and of the year seals with each sealed record's retention. The two read models are
 * projections of their own streams (`monthly-pack-…`, `year-seal-…`), rebuilt from the event
 * store like the others; the snapshots are not a projection: their hashes are in the events,
 * and their bytes are kept exactly as generated.
 */
export class ReportingRecords1765000000000 implements MigrationInterface {
  name = 'ReportingRecords1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE reporting.record_snapshot (
        sha256       text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content_type text        NOT NULL,
        bytes        integer     NOT NULL,
        content      bytea       NOT NULL,
        created_at   timestamptz NOT NULL
      )`);
    // Snapshots are never altered: the hash names the bytes.
    await runner.query(`
      CREATE FUNCTION reporting.record_snapshot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'record snapshots are immutable'; END $$`);
    await runner.query(`CREATE TRIGGER record_snapshot_no_update BEFORE UPDATE ON reporting.record_snapshot FOR EACH ROW EXECUTE FUNCTION reporting.record_snapshot_immutable()`);
    await runner.query(`
      CREATE TABLE reporting.monthly_pack (
        id              text PRIMARY KEY,
        site_id         text        NOT NULL,
        month           text        NOT NULL,
        status          text        NOT NULL,
        due_by          text        NOT NULL,
        files           jsonb       NOT NULL,
        generated_at    timestamptz NOT NULL,
        signed_off_at   timestamptz,
        signed_off_by   text,
        signed_sha256   text,
        late            boolean,
        chases          integer     NOT NULL DEFAULT 0,
        last_chased_on  text,
        version         integer     NOT NULL,
        state           jsonb       NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
    await runner.query(`CREATE UNIQUE INDEX monthly_pack_site_month ON reporting.monthly_pack (site_id, month)`);
    await runner.query(`
      CREATE TABLE reporting.year_seal (
        id              text PRIMARY KEY,
        site_id         text        NOT NULL,
        year            integer     NOT NULL,
        editions        jsonb       NOT NULL,
        complaints      integer     NOT NULL,
        purged          integer     NOT NULL,
        last_sealed_at  timestamptz NOT NULL,
        version         integer     NOT NULL,
        state           jsonb       NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
    await runner.query(`CREATE UNIQUE INDEX year_seal_site_year ON reporting.year_seal (site_id, year)`);
    await runner.query(`
      CREATE TABLE reporting.sealed_record (
        complaint_id        text    NOT NULL,
        site_id             text    NOT NULL,
        year                integer NOT NULL,
        number              text    NOT NULL,
        major               boolean NOT NULL,
        retain_until        text    NOT NULL,
        earliest_purge_date text    NOT NULL,
        purged_at           timestamptz,
        PRIMARY KEY (site_id, year, complaint_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE reporting.sealed_record`);
    await runner.query(`DROP TABLE reporting.year_seal`);
    await runner.query(`DROP TABLE reporting.monthly_pack`);
    await runner.query(`DROP TABLE reporting.record_snapshot`);
    await runner.query(`DROP FUNCTION reporting.record_snapshot_immutable()`);
  }
}
