import { createHash } from 'node:crypto';
import type { EventMetadata, EventToAppend, RecordedEvent } from './event-store.port';

/**
 * Tamper evidence (docs/architecture.md "Source of truth"): each event's metadata carries
 * `prevHash` (the previous event's hash in the same stream, or GENESIS_HASH) and
 * `hash` = SHA-256 hex of the canonical JSON of
 *   { id, type, data, metadata (without `hash`, with `prevHash`) }.
 * Canonical JSON = keys sorted at every level, no whitespace, `undefined` dropped,
 * so any auditor can recompute it offline with a few lines of code.
 */
export const GENESIS_HASH = '0'.repeat(64);

export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

type Hashable = { id: string; type: string; data: Record<string, unknown>; metadata: EventMetadata };

export const computeEventHash = (event: Hashable, prevHash: string): string => {
  const { hash: _ignored, ...metadata } = event.metadata;
  const body = canonicalJson({ id: event.id, type: event.type, data: event.data, metadata: { ...metadata, prevHash } });
  return createHash('sha256').update(body).digest('hex');
};

/** Links new events onto a stream whose last stored hash is `prevHash`. */
export const chainEvents = (prevHash: string, events: EventToAppend[]): EventToAppend[] => {
  let previous = prevHash;
  return events.map((event) => {
    const hash = computeEventHash(event, previous);
    const linked = { ...event, metadata: { ...event.metadata, prevHash: previous, hash } };
    previous = hash;
    return linked;
  });
};

/** The hash the next appended event must link to. */
export const lastHashOf = (events: RecordedEvent[]): string =>
  events.length === 0 ? GENESIS_HASH : (events[events.length - 1].metadata.hash ?? GENESIS_HASH);

export type ChainVerification =
  | { valid: true; events: number }
  | { valid: false; events: number; brokenAt: number; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'missing_hash' };

/**
 * Walks a stream in order and reports the first broken link. `brokenAt` is the
 * 1-based sequence number of the first event whose stored hash does not match.
 */
export const verifyChain = (events: Pick<RecordedEvent, 'id' | 'type' | 'data' | 'metadata'>[]): ChainVerification => {
  let previous = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const { hash, prevHash } = event.metadata;
    if (!hash) return { valid: false, events: events.length, brokenAt: i + 1, reason: 'missing_hash' };
    if (prevHash !== previous) return { valid: false, events: events.length, brokenAt: i + 1, reason: 'prev_hash_mismatch' };
    if (computeEventHash(event, previous) !== hash) return { valid: false, events: events.length, brokenAt: i + 1, reason: 'hash_mismatch' };
    previous = hash;
  }
  return { valid: true, events: events.length };
};
