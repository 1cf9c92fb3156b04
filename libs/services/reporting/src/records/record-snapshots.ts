import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Content-addressed, immutable snapshots (a monthly pack's files, a sealed yearly archive):
 * the bytes are stored under their SHA-256, which the record's event carries. A later
 * correction of a complaint makes new bytes, never new bytes under an old hash; a trigger
 * refuses any UPDATE of a stored snapshot.
 */
export type Snapshot = { sha256: string; contentType: string; bytes: number; content: Buffer; createdAt: Date };

export const sha256Hex = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

export const storeSnapshot = async (db: DataSource | EntityManager, content: Buffer, contentType: string, now: Date): Promise<{ sha256: string; bytes: number }> => {
  const sha256 = sha256Hex(content);
  await db.query(
    `INSERT INTO reporting.record_snapshot (sha256, content_type, bytes, content, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING`,
    [sha256, contentType, content.length, content, now],
  );
  return { sha256, bytes: content.length };
};

export const readSnapshot = async (db: DataSource | EntityManager, sha256: string): Promise<Snapshot | undefined> => {
  const [row] = (await db.query(`SELECT sha256, content_type, bytes, content, created_at FROM reporting.record_snapshot WHERE sha256 = $1`, [sha256])) as {
    sha256: string;
    content_type: string;
    bytes: number;
    content: Buffer;
    created_at: Date;
  }[];
  if (!row) return undefined;
  // The bytes served are checked against their name: a snapshot altered at rest is never served as signed.
  if (sha256Hex(row.content) !== row.sha256) throw new Error(`snapshot ${sha256} does not match its hash`);
  return { sha256: row.sha256, contentType: row.content_type, bytes: row.bytes, content: row.content, createdAt: row.created_at };
};
