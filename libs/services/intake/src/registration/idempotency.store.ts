import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { canonicalJson } from '@complaints/event-store';
import { PG_POOL, conflict } from '@complaints/service-kit';

export type IdempotentOutcome<T> = {
  complaintId: string;
  response?: T;
  /** When the key was first claimed. */
  claimedAt: Date;
  /** This request claimed the key: no earlier attempt with it exists. */
  fresh: boolean;
};

/**
 * `Idempotency-Key` on registration (API.md): the same key and body give the same
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

  /** Claims the key for this body, or returns what an earlier request with it got. */
  async claim<T>(siteId: string, clientKey: string, body: unknown, complaintId: string): Promise<IdempotentOutcome<T>> {
    const key = IdempotencyStore.scoped(siteId, clientKey);
    const hash = IdempotencyStore.hash(body);
    const inserted = await this.pool.query(
      `INSERT INTO intake.idempotency_keys (key, request_hash, complaint_id) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
      [key, hash, complaintId],
    );
    const { rows } = await this.pool.query<{ request_hash: string; complaint_id: string; response: T | null; created_at: Date }>(
      `SELECT request_hash, complaint_id, response, created_at FROM intake.idempotency_keys WHERE key = $1`,
      [key],
    );
    if (rows[0].request_hash !== hash) {
      throw conflict('Idempotency-Key was already used with a different request body', [{ field: 'Idempotency-Key', problem: 'reused with a different body' }]);
    }
    return { complaintId: rows[0].complaint_id, response: rows[0].response ?? undefined, claimedAt: rows[0].created_at, fresh: (inserted.rowCount ?? 0) > 0 };
  }

  async complete<T>(siteId: string, clientKey: string, response: T): Promise<void> {
    await this.pool.query(`UPDATE intake.idempotency_keys SET response = $2 WHERE key = $1`, [IdempotencyStore.scoped(siteId, clientKey), JSON.stringify(response)]);
  }
}
