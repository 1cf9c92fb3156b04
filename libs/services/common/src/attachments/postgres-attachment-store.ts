import type { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrateServiceSchema } from '../projections/service-read-model';
import type { AttachmentContentStore } from './attachment-store.port';

export const attachmentSchemaSql = `
CREATE SCHEMA IF NOT EXISTS attachments;
CREATE TABLE IF NOT EXISTS attachments.blobs (
  sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  media_type text        NOT NULL,
  size       integer     NOT NULL,
  content    bytea       NOT NULL,
  stored_at  timestamptz NOT NULL DEFAULT now()
);
-- Which complaint refers to which content: erasure removes a complaint's personal
-- attachments' content only when no other complaint refers to the same bytes.
CREATE TABLE IF NOT EXISTS attachments.refs (
  complaint_id uuid    NOT NULL,
  sha256       text    NOT NULL,
  personal     boolean NOT NULL,
  PRIMARY KEY (complaint_id, sha256)
);
CREATE INDEX IF NOT EXISTS attachment_refs_sha ON attachments.refs (sha256);`;

/** The attachments schema's first migration (IF NOT EXISTS: a database an earlier start-up made upgrades in place). */
export class AttachmentsInitial1765300000000 implements MigrationInterface {
  name = 'AttachmentsInitial1765300000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(attachmentSchemaSql);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS attachments.refs; DROP TABLE IF EXISTS attachments.blobs');
  }
}

export const ATTACHMENT_MIGRATIONS = [AttachmentsInitial1765300000000];

let migrations = new WeakMap<Pool, Promise<void>>();

/** Brings the attachments schema up to date once per pool, through its TypeORM migrations (like every service schema). */
export const migrateAttachments = (pool: Pool): Promise<void> => {
  let done = migrations.get(pool);
  if (!done) {
    const url = (pool as unknown as { options?: { connectionString?: string } }).options?.connectionString;
    const run = url
      ? migrateServiceSchema(url, { schema: 'attachments', migrations: ATTACHMENT_MIGRATIONS })
      : Promise.reject(new Error('attachments: the PostgreSQL pool has no connection string to run the schema migrations with'));
    done = run.catch((error: unknown) => {
      migrations = new WeakMap();
      throw error;
    });
    migrations.set(pool, done);
  }
  return done;
};

/** The embedded default's store: the bytes in a bytea column of PostgreSQL, beside the events. */
export class PostgresAttachmentStore implements AttachmentContentStore {
  readonly kind = 'postgres';

  constructor(private readonly pool: Pool) {}

  async put(sha256: string, content: Buffer, mediaType: string): Promise<void> {
    await migrateAttachments(this.pool);
    await this.pool.query(`INSERT INTO attachments.blobs (sha256, media_type, size, content) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`, [
      sha256,
      mediaType,
      content.length,
      content,
    ]);
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    await migrateAttachments(this.pool);
    const { rows } = await this.pool.query<{ content: Buffer }>(`SELECT content FROM attachments.blobs WHERE sha256 = $1`, [sha256]);
    return rows[0]?.content;
  }

  async delete(sha256: string): Promise<void> {
    await migrateAttachments(this.pool);
    await this.pool.query(`DELETE FROM attachments.blobs WHERE sha256 = $1`, [sha256]);
  }
}

/** The complaint → content references (in PostgreSQL in both topologies). */
export class AttachmentReferences {
  constructor(private readonly pool: Pool) {}

  async add(complaintId: string, sha256: string, personal: boolean): Promise<void> {
    await migrateAttachments(this.pool);
    await this.pool.query(`INSERT INTO attachments.refs (complaint_id, sha256, personal) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [complaintId, sha256, personal]);
  }

  /** Drops the complaint's reference; true when no other complaint still refers to the bytes. */
  async release(complaintId: string, sha256: string): Promise<boolean> {
    await migrateAttachments(this.pool);
    await this.pool.query(`DELETE FROM attachments.refs WHERE complaint_id = $1 AND sha256 = $2`, [complaintId, sha256]);
    const { rows } = await this.pool.query(`SELECT 1 FROM attachments.refs WHERE sha256 = $1 LIMIT 1`, [sha256]);
    return rows.length === 0;
  }

  /** Whether any complaint refers to the bytes. */
  async inUse(sha256: string): Promise<boolean> {
    await migrateAttachments(this.pool);
    const { rows } = await this.pool.query(`SELECT 1 FROM attachments.refs WHERE sha256 = $1 LIMIT 1`, [sha256]);
    return rows.length > 0;
  }
}
