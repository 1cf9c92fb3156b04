import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresEventStore, type RecordedEvent } from '@complaints/event-store';
import { createTestDatabase, eventually, type TestDatabase } from '@complaints/testing';
import { StoreFedMessageBus } from './store-fed-message-bus';
import type { BusMessage, BusSubscription, DeliveredMessage } from '../message-bus.port';

/**
 * The embedded default's bus on a real PostgreSQL event store: every consumer group follows
 * the store from its own saved position, in batches, independently of the others.
 */
const TOPIC = 't.events';
const route = (event: RecordedEvent): BusMessage[] => [
  { topic: TOPIC, key: event.streamId, value: JSON.stringify({ id: event.id, revision: Number(event.revision), data: event.data }), headers: { 'event-id': event.id } },
];
type Seen = { key: string; revision: number; id: string; seq: number };
const parse = (m: DeliveredMessage): Seen => {
  const v = JSON.parse(m.value) as { id: string; revision: number; data: { seq: number } };
  return { key: m.key, revision: v.revision, id: v.id, seq: v.data.seq };
};

describe('StoreFedMessageBus on PostgreSQL', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  const buses: StoreFedMessageBus[] = [];
  const subscriptions: BusSubscription[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('store_bus');
    pool = new Pool({ connectionString: db.url, max: 12 });
    pool.on('error', () => undefined);
    store = new PostgresEventStore({ pool, pollIntervalMs: 50 });
    await store.migrate();
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await db?.drop();
  });

  const newBus = (log?: (line: string) => void) => {
    const bus = new StoreFedMessageBus({ store, pool, route, storeTopics: [TOPIC], streamPrefix: 'complaint-', relayName: 'relay-under-test', log });
    buses.push(bus);
    return bus;
  };

  /** Appends `perStream` events to each of `streams` new streams, interleaved, one append each. */
  const append = async (streams: number, perStream: number, start = 0): Promise<string[]> => {
    const ids = Array.from({ length: streams }, () => `complaint-${randomUUID()}`);
    for (let r = 0; r < perStream; r++) {
      for (const streamId of ids) {
        await store.appendToStream(streamId, [{ id: randomUUID(), type: 'Tick', data: { seq: start + r }, metadata: {} }], { expectedRevision: r === 0 ? 'no_stream' : BigInt(r - 1) });
      }
    }
    return ids;
  };

  const collect = (into: Seen[], batches: number[]) => ({
    batch: async (ms: DeliveredMessage[]) => {
      batches.push(ms.length);
      into.push(...ms.map(parse));
    },
    each: async (m: DeliveredMessage) => {
      batches.push(1);
      into.push(parse(m));
    },
  });

  const inOrderPerKey = (seen: Seen[], keys: string[], perStream: number) => {
    for (const key of keys) expect(seen.filter((s) => s.key === key).map((s) => s.revision)).toEqual(Array.from({ length: perStream }, (_, i) => i));
  };

  it('should deliver every stored event to each group once, in batches, in stream order per key', async () => {
    const keys = await append(6, 20);
    const seen: Seen[] = [];
    const batches: number[] = [];
    subscriptions.push(await newBus().subscribe({ groupId: `g-${randomUUID()}`, topic: TOPIC }, collect(seen, batches)));
    await eventually(async () => (seen.filter((s) => keys.includes(s.key)).length >= 120 ? true : undefined), '120 events');
    const mine = seen.filter((s) => keys.includes(s.key));
    expect(mine).toHaveLength(120);
    inOrderPerKey(mine, keys, 20);
    expect(Math.max(...batches)).toBeGreaterThan(1); // history arrives in batches, not one by one
  });

  it('should keep a group that is stuck from holding up another group', async () => {
    const bus = newBus();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Seen[] = [];
    const fast: Seen[] = [];
    subscriptions.push(
      await bus.subscribe({ groupId: `slow-${randomUUID()}`, topic: TOPIC }, { batch: async (ms) => { await gate; slow.push(...ms.map(parse)); }, each: async (m) => { await gate; slow.push(parse(m)); } }),
    );
    subscriptions.push(await bus.subscribe({ groupId: `fast-${randomUUID()}`, topic: TOPIC }, collect(fast, [])));
    const keys = await append(3, 10);
    await eventually(async () => (fast.filter((s) => keys.includes(s.key)).length === 30 ? true : undefined), 'the fast group to get all 30 while the slow one is stuck');
    expect(slow.filter((s) => keys.includes(s.key))).toHaveLength(0);
    release();
    await eventually(async () => (slow.filter((s) => keys.includes(s.key)).length === 30 ? true : undefined), 'the slow group to catch up');
    inOrderPerKey(slow.filter((s) => keys.includes(s.key)), keys, 10);
  });

  it('should resume a group from its saved position after a restart: nothing lost, history not replayed', async () => {
    const groupId = `resume-${randomUUID()}`;
    const before = await append(4, 5);
    const first: Seen[] = [];
    const sub = await newBus().subscribe({ groupId, topic: TOPIC }, collect(first, []));
    await eventually(async () => (first.filter((s) => before.includes(s.key)).length === 20 ? true : undefined), 'the first 20');
    await sub.stop();
    const after = await append(4, 5, 100);
    const second: Seen[] = [];
    subscriptions.push(await newBus().subscribe({ groupId, topic: TOPIC }, collect(second, [])));
    await eventually(async () => (second.filter((s) => after.includes(s.key)).length === 20 ? true : undefined), 'the 20 appended while it was down');
    expect(second.filter((s) => before.includes(s.key))).toHaveLength(0);
    inOrderPerKey(second.filter((s) => after.includes(s.key)), after, 5);
  });

  it('should dead-letter only a message that keeps failing for its own reason and move on', async () => {
    const lines: string[] = [];
    const bus = newBus((line) => lines.push(line));
    const keys = await append(2, 5);
    const poisonKey = keys[0];
    const applied: Seen[] = [];
    const isPoison = (s: Seen) => s.key === poisonKey && s.revision === 2;
    subscriptions.push(
      await bus.subscribe(
        { groupId: `poison-${randomUUID()}`, topic: TOPIC, retryDelayMs: 1 },
        {
          batch: async (ms) => {
            const parsed = ms.map(parse);
            if (parsed.some(isPoison)) throw new TypeError('cannot read this event');
            applied.push(...parsed);
          },
          each: async (m) => {
            if (isPoison(parse(m))) throw new TypeError('cannot read this event');
            applied.push(parse(m));
          },
        },
      ),
    );
    await eventually(async () => (applied.filter((s) => keys.includes(s.key)).length === 9 ? true : undefined), 'the 9 good events');
    expect(bus.deadLetters.filter((d) => d.key === poisonKey)).toHaveLength(1);
    expect(lines.some((l) => l.includes('dead-letter'))).toBe(true);
  });

  it('should start a new group where the relay of an older installation stood', async () => {
    const old = await append(2, 3);
    const { rows } = await pool.query<{ head: string }>(`SELECT max(position)::text AS head FROM event_store.events`);
    await pool.query(`CREATE SCHEMA IF NOT EXISTS messaging; CREATE TABLE IF NOT EXISTS messaging.relay_checkpoints (name text PRIMARY KEY, position numeric(20) NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
    await pool.query(`INSERT INTO messaging.relay_checkpoints (name, position) VALUES ('relay-under-test', $1) ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`, [rows[0].head]);
    const fresh = await append(2, 3);
    const seen: Seen[] = [];
    subscriptions.push(await newBus().subscribe({ groupId: `upgrade-${randomUUID()}`, topic: TOPIC }, collect(seen, [])));
    await eventually(async () => (seen.filter((s) => fresh.includes(s.key)).length === 6 ? true : undefined), 'the events after the relay checkpoint');
    expect(seen.filter((s) => old.includes(s.key))).toHaveLength(0);
  });
});
