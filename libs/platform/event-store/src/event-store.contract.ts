import { randomUUID } from 'node:crypto';
import {
  WrongExpectedRevisionError,
  chainEvents,
  GENESIS_HASH,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from './index';

/**
 * The one contract every event-store adapter must honour (docs/architecture.md "Ports and
 * adapters"). Each adapter's spec calls this with a factory for a fresh store.
 */
export type EventStoreFactory = () => Promise<{ store: EventStore; teardown: () => Promise<void> }>;

const event = (type: string, data: Record<string, unknown> = {}, id = randomUUID()): EventToAppend => ({
  id,
  type,
  data,
  metadata: { actor: { id: 'u-1', role: 'cs_assistant' }, occurredAt: '2026-01-05T09:00:00+08:00', correlationId: 'c-1' },
});

const waitFor = async (predicate: () => boolean, timeoutMs = 10_000) => {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 10));
  }
};

export const eventStoreContract = (adapterName: string, factory: EventStoreFactory): void => {
  describe(`Event store contract: ${adapterName}`, () => {
    let store: EventStore;
    let teardown: () => Promise<void>;
    // Streams are unique per test so tests never see each other's events, even on a shared store.
    let prefix: string;
    const stream = (name: string) => `${prefix}${name}`;

    beforeAll(async () => {
      ({ store, teardown } = await factory());
    });
    afterAll(async () => {
      await teardown();
    });
    beforeEach(() => {
      prefix = `c${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
    });

    describe('appendToStream', () => {
      it('should create a stream with no_stream and return revision 0 and a position', async () => {
        const result = await store.appendToStream(stream('a'), [event('Registered')], { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(0n);
        expect(result.position).toBeGreaterThan(0n);
      });

      it('should reject no_stream when the stream exists, with a typed error naming the actual revision', async () => {
        await store.appendToStream(stream('a'), [event('Registered')], { expectedRevision: 'no_stream' });
        const error = await store.appendToStream(stream('a'), [event('Again')], { expectedRevision: 'no_stream' }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe(0n);
      });

      it('should append at an exact expected revision and reject a stale one', async () => {
        await store.appendToStream(stream('a'), [event('A'), event('B')], { expectedRevision: 'no_stream' });
        const ok = await store.appendToStream(stream('a'), [event('C')], { expectedRevision: 1n });
        expect(ok.nextExpectedRevision).toBe(2n);
        await expect(store.appendToStream(stream('a'), [event('D')], { expectedRevision: 1n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        const events = await store.readStream(stream('a'));
        expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('should reject stream_exists on a missing stream and accept it on an existing one', async () => {
        const error = await store.appendToStream(stream('x'), [event('A')], { expectedRevision: 'stream_exists' }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe('no_stream');
        await store.appendToStream(stream('x'), [event('A')], { expectedRevision: 'no_stream' });
        const ok = await store.appendToStream(stream('x'), [event('B')], { expectedRevision: 'stream_exists' });
        expect(ok.nextExpectedRevision).toBe(1n);
      });

      it('should append with any whatever the stream state', async () => {
        expect((await store.appendToStream(stream('y'), [event('A')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0n);
        expect((await store.appendToStream(stream('y'), [event('B')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(1n);
      });

      it('should treat re-appending the same event ids as a no-op, not a duplicate or an error', async () => {
        const batch = [event('A'), event('B')];
        const first = await store.appendToStream(stream('i'), batch, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(stream('i'), batch, { expectedRevision: 'no_stream' });
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        const events = await store.readStream(stream('i'));
        expect(events.map((e) => e.id)).toEqual(batch.map((e) => e.id));
      });

      it('should keep data and metadata exactly, including Chinese text and the hash chain', async () => {
        const chained = chainEvents(GENESIS_HASH, [event('Registered', { title: '电梯困人 3号楼', n: 1, nested: { ok: true } })]);
        await store.appendToStream(stream('d'), chained, { expectedRevision: 'no_stream' });
        const [stored] = await store.readStream(stream('d'));
        expect(stored.data).toEqual({ title: '电梯困人 3号楼', n: 1, nested: { ok: true } });
        expect(stored.metadata.hash).toBe(chained[0].metadata.hash);
        expect(stored.metadata.prevHash).toBe(GENESIS_HASH);
        expect(stored.metadata.actor).toEqual({ id: 'u-1', role: 'cs_assistant' });
        expect(stored.streamId).toBe(stream('d'));
        expect(stored.revision).toBe(0n);
        expect(stored.recordedAt).toBeInstanceOf(Date);
      });
    });

    describe('readStream', () => {
      const seed = async (name: string, n: number) => {
        await store.appendToStream(stream(name), Array.from({ length: n }, (_, i) => event(`E${i}`)), { expectedRevision: 'no_stream' });
      };

      it('should return an empty list for a stream that does not exist', async () => {
        expect(await store.readStream(stream('none'))).toEqual([]);
      });

      it('should read forwards from a revision with a max count', async () => {
        await seed('r', 10);
        const events = await store.readStream(stream('r'), { fromRevision: 3n, maxCount: 4 });
        expect(events.map((e) => e.type)).toEqual(['E3', 'E4', 'E5', 'E6']);
        expect(events.map((e) => e.revision)).toEqual([3n, 4n, 5n, 6n]);
      });

      it('should read backwards from the end and from a revision', async () => {
        await seed('r', 10);
        expect((await store.readStream(stream('r'), { direction: 'backwards', maxCount: 2 })).map((e) => e.type)).toEqual(['E9', 'E8']);
        expect((await store.readStream(stream('r'), { direction: 'backwards', fromRevision: 4n, maxCount: 3 })).map((e) => e.type)).toEqual(['E4', 'E3', 'E2']);
      });
    });

    describe('readAll', () => {
      it('should page through everything after a position in bounded batches, in position order', async () => {
        const start = (await store.appendToStream(stream('p0'), [event('Start')])).position;
        for (let s = 0; s < 5; s++) await store.appendToStream(stream(`p${s + 1}`), [event('A'), event('B')]);
        const seen: RecordedEvent[] = [];
        let after = start;
        for (;;) {
          const batch = await store.readAll({ after, maxCount: 3, streamPrefix: prefix });
          expect(batch.length).toBeLessThanOrEqual(3);
          if (batch.length === 0) break;
          seen.push(...batch);
          after = batch[batch.length - 1].position;
        }
        expect(seen).toHaveLength(10);
        const positions = seen.map((e) => e.position);
        expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
        expect(new Set(positions).size).toBe(10);
      });

      it('should filter by stream prefix', async () => {
        await store.appendToStream(stream('keep'), [event('A')]);
        await store.appendToStream(`other-${prefix}`, [event('B')]);
        const all = await store.readAll({ maxCount: 10_000, streamPrefix: prefix });
        expect(all.map((e) => e.streamId)).toEqual([stream('keep')]);
      });
    });

    describe('subscribeToAll', () => {
      it('should catch up from a checkpoint and then continue live, filtered by prefix', async () => {
        const first = await store.appendToStream(stream('s1'), [event('Old1')]);
        await store.appendToStream(stream('s1'), [event('Old2')]);
        await store.appendToStream(`zz-${prefix}`, [event('Filtered')]);
        const received: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({ after: first.position, streamPrefix: prefix, batchSize: 2 }, async (batch) => {
          received.push(...batch);
        });
        try {
          await waitFor(() => received.length >= 1);
          await store.appendToStream(stream('s2'), [event('Live1'), event('Live2')]);
          await store.appendToStream(stream('s1'), [event('Live3')]);
          await waitFor(() => received.length >= 4);
          expect(received.map((e) => e.type)).toEqual(['Old2', 'Live1', 'Live2', 'Live3']);
        } finally {
          await subscription.stop();
        }
      });

      it('should stop and report the error when the handler fails, without acknowledging the batch', async () => {
        await store.appendToStream(stream('f'), [event('A')]);
        const subscription = store.subscribeToAll({ streamPrefix: prefix }, async () => {
          throw new Error('boom');
        });
        await expect(subscription.done).rejects.toThrow('boom');
      });
    });

    describe('concurrency', () => {
      it('should let exactly one of many concurrent writers at the same expected revision win', async () => {
        await store.appendToStream(stream('race'), [event('A')], { expectedRevision: 'no_stream' });
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.appendToStream(stream('race'), [event(`W${i}`)], { expectedRevision: 0n })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
          expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        expect(await store.readStream(stream('race'))).toHaveLength(2);
      });
    });
  });
};
