import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction, runLockedMigration } from '../postgres/locked-migration';
import { GroupCommit, type Settled } from '../group-commit';
import type { UnitRecord } from '../event-store.port';

/**
 * Crypto-shredding (docs/architecture.md "Personal data"): each data subject — a complaint's
 * complainant — has a data key of its own, kept in PostgreSQL apart from the events
 * (schema `personal_data`), wrapped with a master key that never touches the database.
 * Personal values are sealed with the subject's key before the events are hash-chained
 * and stored, so the event store, the Kafka topics, the read models and the yearly
 * archives only ever hold ciphertext. Erasure deletes the key: every sealed value of the
 * subject becomes unreadable for good, while the events, their hashes and their chains
 * stay exactly as they were.
 *
 * Sealed value: `pii:v1:<subjectId>:<base64url(iv ‖ ciphertext ‖ tag)>`, AES-256-GCM with
 * the subject id as additional data (a value cannot be moved to another subject).
 * Wrapped key: AES-256-GCM of the data key under the master key, subject id as AAD.
 */
export const SEALED_PREFIX = 'pii:v1:';

const SUBJECT_PATTERN = /^[A-Za-z0-9_.-]{1,120}$/;
const SEALED_PATTERN = /^pii:v1:([A-Za-z0-9_.-]{1,120}):([A-Za-z0-9_-]{38,})$/;

export const isSealed = (value: unknown): value is string => typeof value === 'string' && SEALED_PATTERN.test(value);
export const sealedSubjectOf = (value: string): string | undefined => SEALED_PATTERN.exec(value)?.[1];

export const personalDataSchemaSql = (schema: string) => `
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.subject_keys (
  subject_id  text PRIMARY KEY,
  wrapped_key bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${schema}.erasures (
  subject_id text PRIMARY KEY,
  erased_at  timestamptz NOT NULL DEFAULT now()
);`;

export class PersonalDataErasedError extends Error {
  constructor(readonly subjectId: string) {
    super(`The personal data of subject ${subjectId} was erased; nothing can be sealed for it again`);
    this.name = 'PersonalDataErasedError';
  }
}

export type PersonalDataVaultOptions = {
  /** 32 bytes; derive one from a secret with `PersonalDataVault.masterKeyFrom`. */
  masterKey: Buffer;
  /** What a value of an erased subject reads as. */
  erasedValue: string;
  schema?: string;
};

const gcm = (key: Buffer, aad: string, plaintext: Buffer): Buffer => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
};

const ungcm = (key: Buffer, aad: string, sealed: Buffer): Buffer => {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12)).setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
};

export class PersonalDataVault {
  private readonly schema: string;
  private readonly masterKey: Buffer;
  private readonly indexKey: Buffer;
  private migrated?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly options: PersonalDataVaultOptions,
  ) {
    if (options.masterKey.length !== 32) throw new Error('The personal-data master key must be 32 bytes');
    this.schema = options.schema ?? 'personal_data';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.schema)) throw new Error(`Bad schema name ${this.schema}`);
    this.masterKey = Buffer.from(hkdfSync('sha256', options.masterKey, Buffer.alloc(0), 'complaints:personal-data:wrap', 32));
    this.indexKey = Buffer.from(hkdfSync('sha256', options.masterKey, Buffer.alloc(0), 'complaints:personal-data:index', 32));
  }

  /** A 32-byte master key from a configured secret (base64 of 32 bytes, or any text of ≥ 32 characters). */
  static masterKeyFrom(secret: string): Buffer {
    const decoded = /^[A-Za-z0-9+/]{43}=$/.test(secret) ? Buffer.from(secret, 'base64') : undefined;
    if (decoded?.length === 32) return decoded;
    if (secret.length < 32) throw new Error('The personal-data key must be base64 of 32 bytes or a secret of at least 32 characters');
    return createHash('sha256').update(`complaints:personal-data:${secret}`).digest();
  }

  /** Creates the key tables (idempotent; called lazily before first use). */
  migrate(): Promise<void> {
    this.migrated ??= runLockedMigration(this.pool, 'complaints:personal_data:migrate', personalDataSchemaSql(this.schema)).catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  /**
   * The subject's sealing function, creating the subject's key on first use. Refuses a
   * subject whose data was erased: an erased subject never gets a key again.
   */
  async sealerFor(subjectId: string): Promise<(plaintext: string) => string> {
    if (!SUBJECT_PATTERN.test(subjectId)) throw new Error(`Bad data subject id ${subjectId}`);
    await this.migrate();
    const key = await this.keyRequests.submit(subjectId);
    return (plaintext) => (isSealed(plaintext) && sealedSubjectOf(plaintext) === subjectId ? plaintext : `${SEALED_PREFIX}${subjectId}:${gcm(key, subjectId, Buffer.from(plaintext, 'utf8')).toString('base64url')}`);
  }

  /**
   * A new key for a subject that has none yet, not stored: the records that store it as
   * part of a unit of work (`EventStore.commitUnit`) — the wrapped key, which fails the
   * unit if the subject has a key already, and a guard that fails it if the subject was
   * erased — and the sealing function with it. Nothing is written until the unit commits;
   * a unit that fails leaves no key.
   */
  async newSubjectKey(subjectId: string): Promise<{ seal: (plaintext: string) => string; records: UnitRecord[] }> {
    if (!SUBJECT_PATTERN.test(subjectId)) throw new Error(`Bad data subject id ${subjectId}`);
    await this.migrate();
    const key = randomBytes(32);
    return {
      seal: this.sealWith(subjectId, key),
      records: [
        { absent: `${this.schema}.erasures`, where: { subject_id: subjectId } },
        { insert: `${this.schema}.subject_keys`, row: { subject_id: subjectId, wrapped_key: gcm(this.masterKey, subjectId, key) } },
      ],
    };
  }

  /** The sealing function of a subject's stored key (none: undefined — no key yet, or erased). */
  async storedSealer(subjectId: string): Promise<((plaintext: string) => string) | undefined> {
    const key = (await this.keysOf([subjectId])).get(subjectId);
    return key ? this.sealWith(subjectId, key) : undefined;
  }

  private sealWith(subjectId: string, key: Buffer): (plaintext: string) => string {
    return (plaintext) => (isSealed(plaintext) && sealedSubjectOf(plaintext) === subjectId ? plaintext : `${SEALED_PREFIX}${subjectId}:${gcm(key, subjectId, Buffer.from(plaintext, 'utf8')).toString('base64url')}`);
  }

  /**
   * Subjects' keys, made on first use: the requests that arrive together are written in one
   * statement (group commit). A key is made now, or was made before by another writer, or
   * the subject was erased (then none is ever made again).
   */
  private readonly keyRequests = new GroupCommit<string, Buffer>(async (subjectIds) => {
    const fresh = new Map<string, Buffer>();
    for (const id of subjectIds) if (!fresh.has(id)) fresh.set(id, randomBytes(32));
    const created = await this.pool.query<{ subject_id: string }>(
      `INSERT INTO ${this.schema}.subject_keys (subject_id, wrapped_key)
       SELECT u.s, u.k FROM unnest($1::text[], $2::bytea[]) AS u(s, k)
        WHERE NOT EXISTS (SELECT 1 FROM ${this.schema}.erasures e WHERE e.subject_id = u.s)
       ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id`,
      [[...fresh.keys()], [...fresh.entries()].map(([id, key]) => gcm(this.masterKey, id, key))],
    );
    const made = new Set(created.rows.map((r) => r.subject_id));
    const missing = [...fresh.keys()].filter((id) => !made.has(id));
    const existing = missing.length ? await this.keysOf(missing) : new Map<string, Buffer>();
    return subjectIds.map((id): Settled<Buffer> => {
      const key = made.has(id) ? fresh.get(id) : existing.get(id);
      return key ? { ok: true, value: key } : { ok: false, error: new PersonalDataErasedError(id) };
    });
  });

  /**
   * A function that opens the sealed values among `values` (one key lookup for all of
   * them): plaintext for live subjects, the erased marker for erased ones. Values that
   * are not sealed (data stored before encryption, markers) pass through unchanged.
   */
  async openerFor(values: Iterable<unknown>): Promise<(value: string) => string> {
    const subjects = new Set<string>();
    for (const value of values) if (isSealed(value)) subjects.add(sealedSubjectOf(value) as string);
    const keys = subjects.size ? await this.keysOf([...subjects]) : new Map<string, Buffer>();
    return (value) => {
      if (!isSealed(value)) return value;
      const [, subjectId, body] = SEALED_PATTERN.exec(value) as RegExpExecArray;
      const key = keys.get(subjectId);
      if (!key) return this.options.erasedValue;
      try {
        return ungcm(key, subjectId, Buffer.from(body, 'base64url')).toString('utf8');
      } catch {
        return this.options.erasedValue; // tampered or foreign ciphertext reads as unreadable, never as a 500
      }
    };
  }

  /**
   * Destroys the subject's key (crypto-shredding) and records that it was erased, in one
   * transaction. Idempotent: erasing again finds nothing to destroy.
   */
  async erase(subjectId: string): Promise<{ keyDestroyed: boolean }> {
    await this.migrate();
    return inTransaction(this.pool, async (client) => {
      const deleted = await client.query(`DELETE FROM ${this.schema}.subject_keys WHERE subject_id = $1`, [subjectId]);
      await client.query(`INSERT INTO ${this.schema}.erasures (subject_id) VALUES ($1) ON CONFLICT (subject_id) DO NOTHING`, [subjectId]);
      return { keyDestroyed: (deleted.rowCount ?? 0) > 0 };
    });
  }

  /**
   * A keyed digest (HMAC-SHA256 under a key derived from the master key) for looking a
   * value up without storing it: unlike a plain hash, a leaked index cannot be reversed
   * by hashing every phone number.
   */
  blindIndex(purpose: string, value: string): string {
    return createHmac('sha256', this.indexKey).update(`${purpose}\u0000${value}`).digest('hex');
  }

  private async keysOf(subjectIds: string[]): Promise<Map<string, Buffer>> {
    await this.migrate();
    const { rows } = await this.pool.query<{ subject_id: string; wrapped_key: Buffer }>(
      `SELECT subject_id, wrapped_key FROM ${this.schema}.subject_keys WHERE subject_id = ANY($1::text[])`,
      [subjectIds],
    );
    return new Map(
      rows.map((r) => {
        try {
          return [r.subject_id, ungcm(this.masterKey, r.subject_id, r.wrapped_key)];
        } catch {
          throw new Error(`Cannot unwrap the data key of subject ${r.subject_id}: PERSONAL_DATA_KEY differs from the one the key was made with`);
        }
      }),
    );
  }
}
