import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { EventMetadata, EventToAppend, RecordedEvent, StreamHead } from './event-store.port';

/**
 * Tamper evidence (docs/architecture.md "Source of truth"): each event's metadata carries
 * `prevHash` (the previous event's hash in the same stream, or GENESIS_HASH) and `hash`.
 *
 * Chain v1 (events stored before chain v2; still verified by this rule):
 *   hash = SHA-256 hex of the canonical JSON of { id, type, data, metadata (without `hash`, with `prevHash`) }.
 * Anyone could recompute it, so a forger who rewrote every hash of a stream went unseen.
 *
 * Chain v2 (`metadata.chain = 2`, every event appended with a chain key):
 *   hash = HMAC-SHA256 hex, keyed with the chain key (kept outside the database), of the
 *   canonical JSON of { streamId, id, type, data, metadata (without `hash`, with `prevHash`) },
 *   where the metadata also holds `revision` (the event's 0-based place in its stream) and
 *   `recordedAt` (the instant stored in the event store's recorded time, which `asOf` reads).
 * Each append also stores the stream's signed head (revision and hash of its last event,
 * HMAC-signed, see `headMac`) apart from the events, so a stream whose last events were
 * deleted no longer ends where its head says.
 *
 * Canonical JSON = keys sorted at every level, no whitespace, `undefined` dropped,
 * so any auditor can recompute it offline with a few lines of code (and the key for v2).
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

/** The chain version events appended with a chain key carry in `metadata.chain`. */
export const CHAIN_V2 = 2;

/** A 32-byte HMAC key for chain v2 (`chainKeyFrom`). */
export type ChainKey = Buffer;

/**
 * The chain key from a configured secret (CHAIN_KEY, else PERSONAL_DATA_KEY): HKDF-SHA256
 * of the secret's bytes (base64 of 32 bytes is decoded, any other text taken as UTF-8),
 * no salt, info `complaints:hash-chain:v2`. tools/verify-archive.mjs derives it the same way.
 */
export const chainKeyFrom = (secret: string): ChainKey => {
  const decoded = /^[A-Za-z0-9+/]{43}=$/.test(secret) ? Buffer.from(secret, 'base64') : undefined;
  const material = decoded?.length === 32 ? decoded : Buffer.from(secret, 'utf8');
  if (material.length < 32) throw new Error('The chain key must come from base64 of 32 bytes or a secret of at least 32 characters');
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'complaints:hash-chain:v2', 32));
};

const hmacHex = (key: ChainKey, body: string): string => createHmac('sha256', key).update(body).digest('hex');

/** Chain v1: SHA-256 of the event without its hash. */
export const computeEventHash = (event: Hashable, prevHash: string): string => {
  const { hash: _ignored, ...metadata } = event.metadata;
  const body = canonicalJson({ id: event.id, type: event.type, data: event.data, metadata: { ...metadata, prevHash } });
  return createHash('sha256').update(body).digest('hex');
};

/** Chain v2: HMAC of the event without its hash, with its stream id. */
export const computeKeyedEventHash = (key: ChainKey, streamId: string, event: Hashable, prevHash: string): string => {
  const { hash: _ignored, ...metadata } = event.metadata;
  return hmacHex(key, canonicalJson({ streamId, id: event.id, type: event.type, data: event.data, metadata: { ...metadata, prevHash } }));
};

/** The signature of a stream's head: HMAC of the canonical JSON of { head: { streamId, revision, hash } }. */
export const headMac = (key: ChainKey, head: { streamId: string; revision: bigint | number; hash: string }): string =>
  hmacHex(key, canonicalJson({ head: { streamId: head.streamId, revision: Number(head.revision), hash: head.hash } }));

/** Where keyed (v2) events go: their stream, the revision of the first one, and the time they are recorded at. */
export type ChainPlacement = { key: ChainKey; streamId: string; firstRevision: bigint; recordedAt: Date };

/**
 * Links new events onto a stream whose last stored hash is `prevHash`: by chain v1
 * without a placement, by chain v2 (keyed, revision and recorded time included) with one.
 */
export const chainEvents = (prevHash: string, events: EventToAppend[], placement?: ChainPlacement): EventToAppend[] => {
  let previous = prevHash;
  return events.map((event, i) => {
    const metadata: EventMetadata = placement
      ? { ...event.metadata, chain: CHAIN_V2, revision: Number(placement.firstRevision) + i, recordedAt: placement.recordedAt.toISOString() }
      : { ...event.metadata };
    delete metadata.hash;
    const unhashed = { ...event, metadata: { ...metadata, prevHash: previous } };
    const hash = placement ? computeKeyedEventHash(placement.key, placement.streamId, unhashed, previous) : computeEventHash(unhashed, previous);
    previous = hash;
    return { ...event, metadata: { ...metadata, prevHash: unhashed.metadata.prevHash, hash } };
  });
};

/**
 * The time keyed events are recorded at: now, but never before the stream's last event
 * (so `asOf` sees a stream's events in order even if clocks of two writers differ a little).
 * Whole milliseconds, which PostgreSQL's timestamptz stores exactly.
 */
export const nextRecordedAt = (history: Pick<RecordedEvent, 'recordedAt'>[], now: number = Date.now()): Date => {
  const last = history.length ? history[history.length - 1].recordedAt.getTime() : Number.NEGATIVE_INFINITY;
  return new Date(Math.max(Math.floor(now), last + 1));
};

/** The hash the next appended event must link to. */
export const lastHashOf = (events: RecordedEvent[]): string =>
  events.length === 0 ? GENESIS_HASH : (events[events.length - 1].metadata.hash ?? GENESIS_HASH);

export type ChainBreak =
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'missing_hash'
  /** A v2 event whose hashed revision is not its place in the stream. */
  | 'revision_mismatch'
  /** A v2 event whose stored recorded time differs from the one hashed. */
  | 'recorded_at_mismatch'
  /** A v1 event after a v2 event: chain versions never go back. */
  | 'chain_downgrade'
  /** A v2 event, and no chain key to check it with. */
  | 'no_chain_key'
  /** A stream with v2 events and no signed head. */
  | 'head_missing'
  /** The head's signature does not hold, or it names another last event. */
  | 'head_mismatch'
  /** The signed head names more events than the stream has: its last events were deleted. */
  | 'truncated';

export type ChainVerification = { valid: true; events: number } | { valid: false; events: number; brokenAt: number; reason: ChainBreak };

export type VerifiableEvent = Pick<RecordedEvent, 'id' | 'type' | 'data' | 'metadata'> & Partial<Pick<RecordedEvent, 'streamId' | 'revision' | 'recordedAt'>>;

export type ChainVerificationOptions = {
  /** Checks v2 events; without it a stream holding one is invalid (`no_chain_key`). */
  key?: ChainKey;
  /** The stream's id (default: each event's `streamId`). */
  streamId?: string;
  /**
   * The stream's signed head as the store keeps it: `null` when the store keeps heads and
   * has none for this stream (invalid once the stream holds a v2 event), omitted when the
   * store keeps no heads (no truncation check).
   */
  head?: StreamHead | null;
};

const sameMac = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Walks a whole stream in order (from revision 0) and reports the first broken link.
 * `brokenAt` is the 1-based sequence number of the first event that does not hold (for
 * `truncated`: of the first missing event; for a head that does not hold: of the last event).
 */
export const verifyChain = (events: VerifiableEvent[], options: ChainVerificationOptions = {}): ChainVerification => {
  const broken = (at: number, reason: ChainBreak): ChainVerification => ({ valid: false, events: events.length, brokenAt: at, reason });
  let previous = GENESIS_HASH;
  let keyed = false;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const { hash, prevHash } = event.metadata;
    if (!hash) return broken(i + 1, 'missing_hash');
    if (prevHash !== previous) return broken(i + 1, 'prev_hash_mismatch');
    if (event.metadata.chain === undefined) {
      if (keyed) return broken(i + 1, 'chain_downgrade');
      if (computeEventHash(event, previous) !== hash) return broken(i + 1, 'hash_mismatch');
    } else {
      keyed = true;
      const streamId = options.streamId ?? event.streamId;
      if (event.metadata.chain !== CHAIN_V2 || streamId === undefined) return broken(i + 1, 'hash_mismatch');
      if (!options.key) return broken(i + 1, 'no_chain_key');
      if (!sameMac(computeKeyedEventHash(options.key, streamId, event, previous), hash)) return broken(i + 1, 'hash_mismatch');
      if (event.metadata.revision !== i || (event.revision !== undefined && event.revision !== BigInt(i))) return broken(i + 1, 'revision_mismatch');
      const recordedAt = typeof event.metadata.recordedAt === 'string' ? Date.parse(event.metadata.recordedAt) : Number.NaN;
      if (Number.isNaN(recordedAt) || (event.recordedAt !== undefined && event.recordedAt.getTime() !== recordedAt)) return broken(i + 1, 'recorded_at_mismatch');
    }
    previous = hash;
  }
  const head = options.head;
  if (head === undefined) return { valid: true, events: events.length };
  if (head === null) return keyed ? broken(events.length, 'head_missing') : { valid: true, events: events.length };
  const streamId = options.streamId ?? events[0]?.streamId ?? head.streamId;
  if (!options.key) return broken(events.length, 'no_chain_key');
  if (head.streamId !== streamId || !sameMac(headMac(options.key, head), head.mac)) return broken(events.length, 'head_mismatch');
  if (head.revision >= BigInt(events.length)) return broken(events.length + 1, 'truncated');
  if (head.revision !== BigInt(events.length - 1) || head.hash !== previous) return broken(events.length, 'head_mismatch');
  return { valid: true, events: events.length };
};
