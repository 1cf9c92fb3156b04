import { randomUUID } from 'node:crypto';
import type { EventToAppend, RecordedEvent, StreamHead } from './event-store.port';
import { CHAIN_V2, GENESIS_HASH, chainEvents, chainKeyFrom, computeEventHash, headMac, nextRecordedAt, verifyChain } from './hash-chain';

/** Rules of issue 13 row 4: history that proves its own completeness (hash chain v2 and signed heads). */
const KEY = chainKeyFrom('unit-test-chain-key-material-of-32-characters');
const OTHER_KEY = chainKeyFrom('a-forgers-own-key-material-of-32-characters!');
const STREAM = `complaint-${randomUUID()}`;
const T0 = Date.parse('2026-03-02T02:00:00.000Z');

const decided = (n: number): EventToAppend[] =>
  Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: `Step${i}`, data: { step: i, note: `第${i}步` }, metadata: { actor: { id: 'u-1', role: 'cs_assistant' } } }));

/** A stream of `n` events appended one by one with the key, as stored (recordedAt = the hashed time), and its signed head. */
const keyedStream = (n: number, key = KEY): { events: RecordedEvent[]; head: StreamHead } => {
  const events: RecordedEvent[] = [];
  for (const event of decided(n)) {
    const revision = BigInt(events.length);
    const recordedAt = nextRecordedAt(events, T0 + events.length * 1000);
    const [linked] = chainEvents(events.length ? String(events[events.length - 1].metadata.hash) : GENESIS_HASH, [event], { key, streamId: STREAM, firstRevision: revision, recordedAt });
    events.push({ ...linked, streamId: STREAM, revision, position: revision + 1n, recordedAt });
  }
  const last = events[events.length - 1];
  const head = { streamId: STREAM, revision: last.revision, hash: String(last.metadata.hash) };
  return { events, head: { ...head, mac: headMac(key, head) } };
};

/** What a forger without the key can do: recompute every hash (SHA-256, or HMAC with a key of their own). */
const rehash = (events: RecordedEvent[], how: 'v1' | 'other-key'): RecordedEvent[] => {
  let previous = GENESIS_HASH;
  return events.map((event) => {
    const { hash: _h, prevHash: _p, ...rest } = event.metadata;
    let metadata: Record<string, unknown>;
    let hash: string;
    if (how === 'v1') {
      const { chain: _c, revision: _r, recordedAt: _t, ...v1 } = rest;
      metadata = { ...v1, prevHash: previous };
      hash = computeEventHash({ ...event, metadata }, previous);
    } else {
      metadata = { ...rest, prevHash: previous };
      const [relinked] = chainEvents(previous, [{ ...event, metadata: rest }], { key: OTHER_KEY, streamId: STREAM, firstRevision: event.revision, recordedAt: event.recordedAt });
      hash = String(relinked.metadata.hash);
    }
    previous = hash;
    return { ...event, metadata: { ...metadata, hash } };
  });
};

describe('Rule: events stored before chain v2 still verify by the old rule (SHA-256, no key)', () => {
  it('given a v1 stream and no head, when it is verified with or without the key, then it is valid; and an edit is still found', () => {
    const events = chainEvents(GENESIS_HASH, decided(3));
    expect(events.every((e) => e.metadata.chain === undefined)).toBe(true);
    expect(verifyChain(events)).toEqual({ valid: true, events: 3 });
    expect(verifyChain(events, { key: KEY, streamId: STREAM, head: null })).toEqual({ valid: true, events: 3 });
    const edited = events.map((e, i) => (i === 1 ? { ...e, data: { ...e.data, note: '改过了' } } : e));
    expect(verifyChain(edited, { key: KEY, head: null })).toEqual({ valid: false, events: 3, brokenAt: 2, reason: 'hash_mismatch' });
  });
});

describe('Rule: chain v2 is keyed — an edit followed by recomputing every hash without the key is found', () => {
  const { events, head } = keyedStream(4);

  it('given a keyed stream and its signed head, when it is verified with the key, then it is valid', () => {
    expect(events.every((e) => e.metadata.chain === CHAIN_V2)).toBe(true);
    expect(verifyChain(events, { key: KEY, head })).toEqual({ valid: true, events: 4 });
  });

  it('given an edited event, when it is verified, then the chain breaks at that event', () => {
    const edited = events.map((e, i) => (i === 2 ? { ...e, data: { ...e.data, note: '改过了' } } : e));
    expect(verifyChain(edited, { key: KEY, head })).toEqual({ valid: false, events: 4, brokenAt: 3, reason: 'hash_mismatch' });
  });

  it('given every hash recomputed with a key of the forger’s own, when it is verified, then the first event does not hold', () => {
    expect(verifyChain(rehash(events, 'other-key'), { key: KEY, head })).toEqual({ valid: false, events: 4, brokenAt: 1, reason: 'hash_mismatch' });
  });

  it('given every hash recomputed by the old unkeyed rule, when it is verified, then the stored signed head no longer matches its last event', () => {
    expect(verifyChain(rehash(events, 'v1'), { key: KEY, head })).toEqual({ valid: false, events: 4, brokenAt: 4, reason: 'head_mismatch' });
  });

  it('given the last events re-hashed by the old rule after keyed ones, when it is verified, then the chain version going back is found', () => {
    const tail = rehash(events, 'v1').slice(2);
    // Relink the tail onto the untouched keyed prefix, as a forger would.
    let previous = String(events[1].metadata.hash);
    const relinked = tail.map((e) => {
      const metadata = { ...e.metadata, prevHash: previous };
      const hash = computeEventHash({ ...e, metadata }, previous);
      previous = hash;
      return { ...e, metadata: { ...metadata, hash } };
    });
    expect(verifyChain([...events.slice(0, 2), ...relinked], { key: KEY, head })).toEqual({ valid: false, events: 4, brokenAt: 3, reason: 'chain_downgrade' });
  });

  it('given no key, when a keyed stream is verified, then it is not called valid', () => {
    expect(verifyChain(events)).toEqual({ valid: false, events: 4, brokenAt: 1, reason: 'no_chain_key' });
  });

  it('given the events of another stream, when they are verified as this stream, then the first event does not hold (the stream id is hashed)', () => {
    expect(verifyChain(events.map((e) => ({ ...e, streamId: undefined })), { key: KEY, streamId: `complaint-${randomUUID()}` })).toMatchObject({ valid: false, brokenAt: 1, reason: 'hash_mismatch' });
  });
});

describe('Rule: chain v2 hashes the revision and the recorded time (which asOf reads)', () => {
  const { events, head } = keyedStream(3);

  it('given the stored recorded time of an event moved, when it is verified, then that event does not hold', () => {
    const moved = events.map((e, i) => (i === 1 ? { ...e, recordedAt: new Date(e.recordedAt.getTime() - 86_400_000) } : e));
    expect(verifyChain(moved, { key: KEY, head })).toEqual({ valid: false, events: 3, brokenAt: 2, reason: 'recorded_at_mismatch' });
  });

  it('given an event stored at another revision than the one hashed, when it is verified, then that event does not hold', () => {
    const shifted = events.map((e, i) => (i === 1 ? { ...e, revision: 7n } : e));
    expect(verifyChain(shifted, { key: KEY, head })).toEqual({ valid: false, events: 3, brokenAt: 2, reason: 'revision_mismatch' });
  });

  it('given the stream’s events, when the next recorded time is taken, then it is never before the last event’s (whole milliseconds)', () => {
    expect(nextRecordedAt(events, events[2].recordedAt.getTime() - 5000).getTime()).toBe(events[2].recordedAt.getTime() + 1);
    expect(nextRecordedAt(events, events[2].recordedAt.getTime() + 5000.7).getTime()).toBe(events[2].recordedAt.getTime() + 5000);
    expect(nextRecordedAt([], 12.9).getTime()).toBe(12);
  });
});

describe('Rule: a stream proves its completeness by its signed head', () => {
  const { events, head } = keyedStream(4);

  it('given the last event deleted, when it is verified against the head, then it is truncated at the first missing event', () => {
    expect(verifyChain(events.slice(0, 3), { key: KEY, head })).toEqual({ valid: false, events: 3, brokenAt: 4, reason: 'truncated' });
  });

  it('given the last event deleted and the head rewritten to the new last event without the key, when it is verified, then the head does not hold', () => {
    const last = events[2];
    const forged = { streamId: STREAM, revision: last.revision, hash: String(last.metadata.hash) };
    expect(verifyChain(events.slice(0, 3), { key: KEY, head: { ...forged, mac: headMac(OTHER_KEY, forged) } })).toEqual({ valid: false, events: 3, brokenAt: 3, reason: 'head_mismatch' });
  });

  it('given a keyed stream whose head was deleted, when it is verified, then the head is missing', () => {
    expect(verifyChain(events, { key: KEY, head: null })).toEqual({ valid: false, events: 4, brokenAt: 4, reason: 'head_missing' });
  });

  it('given a head signed for another stream, when it is verified, then the head does not hold', () => {
    const other = { ...head, streamId: `complaint-${randomUUID()}` };
    expect(verifyChain(events, { key: KEY, head: { ...other, mac: headMac(KEY, other) } })).toMatchObject({ valid: false, reason: 'head_mismatch' });
  });
});

describe('Rule: the chain key comes from a secret of 32+ characters (CHAIN_KEY, else PERSONAL_DATA_KEY)', () => {
  it('given secrets, when keys are derived, then the same secret gives the same 32-byte key, another secret another key, and a short one is refused', () => {
    expect(chainKeyFrom('unit-test-chain-key-material-of-32-characters').equals(KEY)).toBe(true);
    expect(KEY.length).toBe(32);
    expect(OTHER_KEY.equals(KEY)).toBe(false);
    expect(chainKeyFrom(Buffer.alloc(32, 7).toString('base64')).length).toBe(32);
    expect(() => chainKeyFrom('short')).toThrow(/32/);
  });
});
