import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { GroupCommit, canonicalJson, type Settled, type UnitInsert } from '@complaints/event-store';
import { PG_POOL, conflict } from '@complaints/service-kit';

export type IdempotentOutcome<T> = {
  complaintId: string;
  response?: T;
  /** When the key was first claimed. */
  claimedAt: Date;
  /** This request claimed the key: no earlier attempt with it exists. */
  fresh: boolean;
};

type Claim = { key: string; hash: string; complaintId: string };

/**
 * `Idempotency-Key` on registration (docs/api.md): the same key and body give the same
 * answer, the same key with another body is a 409. The key also fixes the complaint
 * id, so two concurrent requests with one key write one complaint. Keys are scoped to
 * the site registered for (stored as `<siteId>\u001f<key>`): the same key at two sites
 * is two keys, so one site's users can neither block nor probe another's.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onModuleInit(): Promise<void> {
    await this.pool.query(`SELECT pg_advisory_lock(hashtext('migrate:intake'))`);
    try {
      await this.pool.query(`
        CREATE SCHEMA IF NOT EXISTS intake;
        CREATE TABLE IF NOT EXISTS intake.idempotency_keys (
          key          text PRIMARY KEY,
          request_hash text NOT NULL,
          complaint_id uuid NOT NULL,
          response     jsonb,
          created_at   timestamptz NOT NULL DEFAULT now()
        );`);
    } finally {
      await this.pool.query(`SELECT pg_advisory_unlock(hashtext('migrate:intake'))`);
    }
  }

  static scoped(siteId: string, key: string): string {
    return `${siteId}\u001f${key}`;
  }

  static hash(body: unknown): string {
    return createHash('sha256').update(canonicalJson(body)).digest('hex');
  }

  /**
   * Claims the key (scoped to the site) for this body, or returns what an earlier request
   * with it got (registrations before this version stored their answer; a retry of a newer
   * one is answered from the complaint's stream). Claims arriving together are written
   * together (group commit: one statement for all of them), each request its own outcome.
   */
  claim<T>(siteId: string, clientKey: string, body: unknown, complaintId: string): Promise<IdempotentOutcome<T>> {
    return this.claims.submit({ key: IdempotencyStore.scoped(siteId, clientKey), hash: IdempotencyStore.hash(body), complaintId }) as Promise<IdempotentOutcome<T>>;
  }

  /**
   * The claim as a record of a unit of work (`EventStore.commitUnit`): written with the
   * registration it belongs to, or not at all. A key claimed already fails the unit; then
   * `claimed` says what the earlier request with it got.
   */
  claimRecord(siteId: string, clientKey: string, body: unknown, complaintId: string): UnitInsert {
    return { insert: 'intake.idempotency_keys', row: { key: IdempotencyStore.scoped(siteId, clientKey), request_hash: IdempotencyStore.hash(body), complaint_id: complaintId } };
  }

  /** An existing claim of the key for this body (409 for another body; undefined: none). */
  async claimed<T>(siteId: string, clientKey: string, body: unknown): Promise<IdempotentOutcome<T> | undefined> {
    const { rows } = await this.pool.query<{ request_hash: string; complaint_id: string; response: T | null; created_at: Date }>(
      `SELECT request_hash, complaint_id, response, created_at FROM intake.idempotency_keys WHERE key = $1`,
      [IdempotencyStore.scoped(siteId, clientKey)],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.request_hash !== IdempotencyStore.hash(body)) {
      throw conflict('Idempotency-Key was already used with a different request body', [{ field: 'Idempotency-Key', problem: 'reused with a different body' }]);
    }
    return { complaintId: row.complaint_id, response: row.response ?? undefined, claimedAt: row.created_at, fresh: false };
  }

  private readonly claims = new GroupCommit<Claim, IdempotentOutcome<unknown>>(async (items) => {
    const inserted = await this.pool.query<{ key: string }>(
      `INSERT INTO intake.idempotency_keys (key, request_hash, complaint_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[]) ON CONFLICT (key) DO NOTHING RETURNING key`,
      [items.map((i) => i.key), items.map((i) => i.hash), items.map((i) => i.complaintId)],
    );
    const { rows } = await this.pool.query<{ key: string; request_hash: string; complaint_id: string; response: unknown; created_at: Date }>(
      `SELECT key, request_hash, complaint_id, response, created_at FROM intake.idempotency_keys WHERE key = ANY($1::text[])`,
      [[...new Set(items.map((i) => i.key))]],
    );
    const stored = new Map(rows.map((r) => [r.key, r]));
    // Only the first claim of a key in this group made it; a second one in the same group is a retry.
    const claimedNow = new Set(inserted.rows.map((r) => r.key));
    return items.map((item): Settled<IdempotentOutcome<unknown>> => {
      const row = stored.get(item.key);
      if (!row) return { ok: false, error: new Error(`idempotency key ${item.key} vanished`) };
      if (row.request_hash !== item.hash) {
        return { ok: false, error: conflict('Idempotency-Key was already used with a different request body', [{ field: 'Idempotency-Key', problem: 'reused with a different body', code: 'problem.invalid' }], 'error.idempotency_key_reused') };
      }
      const fresh = claimedNow.delete(item.key);
      return { ok: true, value: { complaintId: row.complaint_id, response: row.response ?? undefined, claimedAt: row.created_at, fresh } };
    });
  });
}
