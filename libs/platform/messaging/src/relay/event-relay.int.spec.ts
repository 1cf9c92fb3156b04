import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { chainEvents, GENESIS_HASH, PostgresEventStore } from '@complaints/event-store';
import { HEADER } from '@complaints/contracts';
import { createTestDatabase, eventually, type TestDatabase } from '@complaints/testing';
import { EventRelay, toComplaintEventMessage } from './event-relay';
import { InMemoryMessageBus } from '../memory/in-memory-message-bus';
import type { BusMessage, DeliveredMessage, MessageBus } from '../message-bus.port';

/**
 * The relay in one process on real PostgreSQL (the bus in memory or scripted): what it
 * publishes, when its checkpoint moves, and how leadership behaves. The same relay across
 * SIGKILLed processes on the real broker: event-relay.faults.int.spec.ts.
 */
const TOPIC = 'relay-int.events.v1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EventRelay on PostgreSQL', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let sql: Client;
  const relays: EventRelay[] = [];

  beforeEach(async () => {
    db = await createTestDatabase('relay');
    pool = new Pool({ connectionString: db.url, max: 6 });
    // pool.end() resolves before its connections have closed; dropping the database right
    // after terminates them, which the pool reports as an error on an idle client.
    pool.on('error', () => undefined);
    store = new PostgresEventStore({ pool, pollIntervalMs: 50 });
    await store.migrate();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await sql.end();
    await store.close();
    await pool.end();
    await db.drop();
  });

  const newRelay = (bus: MessageBus, tag: string, log: string[] = []) => {
    const relay = new EventRelay({
      store,
      bus,
      pool,
      connectionString: db.url,
      name: 'relay-int',
      streamPrefix: 'complaint-',
      standbyRetryMs: 100,
      route: (event) => {
        const message = toComplaintEventMessage(event, TOPIC);
        return [{ ...message, headers: { ...message.headers, 'published-by': tag } }];
      },
      log: (line) => log.push(line),
    });
    relays.push(relay);
    return relay;
  };

  /** Appends `perStream` chained events to each of `streams` new complaint streams; returns their ids in append order. */
  const append = async (streams: number, perStream: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let s = 0; s < streams; s++) {
      const streamId = `complaint-${randomUUID()}`;
      const events = Array.from({ length: perStream }, (_, i) => ({
        id: randomUUID(),
        type: i === 0 ? 'ComplaintRegistered' : 'ProgressNoted',
        data: { i },
        metadata: { actor: { id: 'u-1', role: 'cs_assistant' }, correlationId: `corr-${streamId}`, causationId: `cause-${i}` },
      }));
      await store.appendToStream(streamId, chainEvents(GENESIS_HASH, events), { expectedRevision: 'no_stream' });
      ids.push(...events.map((e) => e.id));
    }
    return ids;
  };

  const checkpoint = async (): Promise<bigint | undefined> => {
    const { rows } = await sql.query<{ position: string }>(`SELECT position FROM messaging.relay_checkpoints WHERE name = 'relay-int'`).catch(() => ({ rows: [] }));
    return rows.length ? BigInt(rows[0].position) : undefined;
  };
  const lastPosition = async () => BigInt((await sql.query<{ p: string }>(`SELECT max(position) AS p FROM event_store.events`)).rows[0].p);

  const recordingBus = async () => {
    const bus = new InMemoryMessageBus();
    const received: DeliveredMessage[] = [];
    await bus.subscribe({ groupId: 'recorder', topic: TOPIC }, async (m) => {
      received.push(m);
    });
    bus.open();
    return { bus, received };
  };

  it('should publish every complaint event once, in store order, keyed by complaint id with the event headers, and checkpoint the last position', async () => {
    const { bus, received } = await recordingBus();
    // A non-complaint stream is not published.
    await store.appendToStream('counter-complaint-number', [{ id: randomUUID(), type: 'NumberTaken', data: {}, metadata: {} }]);
    const ids = await append(20, 3);
    newRelay(bus, 'a').start();
    await eventually(async () => ((await checkpoint()) === (await lastPosition()) && received.length >= 60 ? true : undefined), 'the relay to catch up', 10_000, 20);

    expect(received.map((m) => m.headers[HEADER.eventId])).toEqual(ids);
    const first = received[0];
    const stored = (await store.readAll({ maxCount: 10, streamPrefix: 'complaint-' }))[0];
    expect(first.key).toBe(stored.streamId.slice('complaint-'.length));
    expect(first.headers).toMatchObject({
      [HEADER.eventId]: stored.id,
      [HEADER.eventType]: 'ComplaintRegistered',
      [HEADER.correlationId]: `corr-${stored.streamId}`,
      [HEADER.causationId]: 'cause-0',
      [HEADER.schemaVersion]: '1',
    });
    expect(JSON.parse(first.value)).toMatchObject({ schemaVersion: 1, eventId: stored.id, streamId: stored.streamId, revision: 0, position: stored.position.toString() });
  }, 30_000);

  it('should keep its checkpoint where it was while the bus rejects a batch, and publish the batch again once the bus accepts', async () => {
    const ids = await append(10, 2);
    const last = await lastPosition();
    const accepted: BusMessage[] = [];
    const checkpointsWhenRejected: (bigint | undefined)[] = [];
    let rejections = 0;
    const flakyBus: MessageBus = {
      kind: 'memory',
      publish: async (messages) => {
        if (rejections < 2) {
          rejections++;
          checkpointsWhenRejected.push(await checkpoint());
          throw new Error('broker unavailable');
        }
        accepted.push(...messages);
      },
      subscribe: async () => ({ stop: async () => undefined }),
      close: async () => undefined,
    };
    const log: string[] = [];
    newRelay(flakyBus, 'a', log).start();
    await eventually(async () => ((await checkpoint()) === last ? true : undefined), 'the checkpoint after the bus recovers', 10_000, 20);

    expect(rejections).toBe(2);
    expect(checkpointsWhenRejected).toEqual([undefined, undefined]);
    // Nothing was acknowledged before, so everything is published exactly once after.
    expect(accepted.map((m) => m.headers[HEADER.eventId])).toEqual(ids);
    expect(log.filter((l) => l.includes('broker unavailable'))).toHaveLength(2);
  }, 30_000);

  it('should let only one of two relays publish, and step down when its leadership session is lost so the two never publish together', async () => {
    const { bus, received } = await recordingBus();
    const logA: string[] = [];
    const logB: string[] = [];
    const a = newRelay(bus, 'a', logA);
    a.start();
    await eventually(async () => (logA.some((l) => l.includes('leading')) ? true : undefined), 'relay a to lead', 10_000, 20);
    const b = newRelay(bus, 'b', logB);
    b.start();
    await sleep(300); // b tries (and fails) to take the lock a few times

    const first = await append(10, 3);
    await eventually(async () => (received.length >= 30 ? true : undefined), 'the first 30 events', 10_000, 20);
    expect(received.map((m) => m.headers['published-by'])).toEqual(Array(30).fill('a'));
    expect(logB.some((l) => l.includes('leading'))).toBe(false);

    // The leader's lock session dies (as on a server restart or a network cut).
    const { rows } = await sql.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.objid::bigint = (hashtext('relay:relay-int')::bigint & 4294967295)`,
    );
    expect(rows).toHaveLength(1);
    await sql.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await eventually(async () => (logA.some((l) => l.includes('leadership session lost; stepping down')) ? true : undefined), 'relay a to step down', 10_000, 20);
    await eventually(
      async () => ([...logA, ...logB].filter((l) => l.includes('leading')).length === 2 ? true : undefined),
      'a relay to lead again',
      10_000,
      20,
    );

    const second = await append(10, 3);
    await eventually(async () => (received.length >= 60 ? true : undefined), 'the next 30 events', 10_000, 20);
    await sleep(500);
    // Exactly one delivery per event: the stepped-down relay published nothing more.
    expect(received.map((m) => m.headers[HEADER.eventId])).toEqual([...first, ...second]);
    expect(new Set(received.slice(30).map((m) => m.headers['published-by'])).size).toBe(1);
    expect(a.publishedCount + b.publishedCount).toBe(60);
  }, 30_000);

  it('should stop cleanly whenever stop() is called, even while it is taking the lead', async () => {
    const { bus } = await recordingBus();
    await append(2, 2);
    for (let delay = 0; delay <= 40; delay += 4) {
      const relay = newRelay(bus, `d${delay}`);
      relay.start();
      await sleep(delay);
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([relay.stop().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5_000)))]);
      clearTimeout(timer);
      expect({ delay, stopped }).toEqual({ delay, stopped: true });
    }
  }, 30_000);
});
