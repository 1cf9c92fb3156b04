import { createTestDatabase, withDatabase, type TestDatabase } from '@complaints/testing';
import { Client, Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { eventStoreContract } from '../event-store.contract';
import { PostgresEventStore } from './postgres-event-store';
import { chainEvents, chainKeyFrom, GENESIS_HASH, lastHashOf, verifyChain } from '../hash-chain';
import { verifyStoredStream } from '../verify-stream';
import { EVENT_WRITER_ROLE } from './postgres-event-store.schema';
import { WrongExpectedRevisionError, type RecordedEvent } from '../event-store.port';
import { handleCommand } from '../command-handling';

const newStore = async (db: TestDatabase) => {
  const store = new PostgresEventStore({ connectionString: db.url, pollIntervalMs: 200 });
  await store.migrate();
  return store;
};

eventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase('es_contract');
  const store = await newStore(db);
  return {
    store,
    teardown: async () => {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgreSQL event store under concurrent writers', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('es_order');
    store = await newStore(db);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('should deliver every event exactly once, in position order, to a subscriber following $all while 8 writers append 4,000 events', async () => {
    const writers = 8;
    const perWriter = 500;
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ streamPrefix: 'order-', batchSize: 97 }, async (batch) => {
      received.push(...batch);
    });
    // Each writer appends to several streams in small batches, so transactions that
    // took positions earlier routinely commit later than others.
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; ) {
          const size = 1 + ((i + w) % 3);
          const batch = Array.from({ length: Math.min(size, perWriter - i) }, (_, k) => ({
            id: randomUUID(),
            type: 'Tick',
            data: { writer: w, n: i + k },
            metadata: {},
          }));
          await store.appendToStream(`order-${w}-${i % 5}`, batch, { expectedRevision: 'any' });
          i += batch.length;
        }
      }),
    );
    const total = writers * perWriter;
    const deadline = Date.now() + 30_000;
    while (received.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await subscription.stop();

    expect(received.length).toBe(total);
    expect(new Set(received.map((e) => e.id)).size).toBe(total);
    for (let i = 1; i < received.length; i++) expect(received[i].position > received[i - 1].position).toBe(true);
    // Per writer, events arrive in the order that writer appended them.
    for (let w = 0; w < writers; w++) {
      const ns = received.filter((e) => e.data.writer === w).map((e) => e.data.n as number);
      expect(ns).toEqual(Array.from({ length: perWriter }, (_, i) => i));
    }
  }, 60_000);
});

describe('Group commit of appends', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('es_group');
    store = await newStore(db);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });
  const ev = (data: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'Tick', data, metadata: {} });
  /** Two appends in flight take both transactions, so what is called next waits and goes in one batch. */
  const occupy = () => [store.appendToStream(`busy-${randomUUID()}`, [ev()]), store.appendToStream(`busy-${randomUUID()}`, [ev()])];
  const transactionsOf = async (streams: string[]): Promise<number> => {
    const { rows } = await store['pool'].query<{ n: number }>(`SELECT count(DISTINCT tx_id::text)::int AS n FROM event_store.events WHERE stream_id = ANY($1)`, [streams]);
    return rows[0].n;
  };

  it('should commit appends that arrive together in one transaction, each with its own outcome: of two on one stream, one wins and the other gets its conflict', async () => {
    const contested = `complaint-${randomUUID()}`;
    const others = Array.from({ length: 6 }, () => `complaint-${randomUUID()}`);
    const busy = occupy();
    const results = await Promise.allSettled([
      store.appendToStream(contested, [ev({ by: 'first' })], { expectedRevision: 'no_stream' }),
      ...others.map((s) => store.appendToStream(s, [ev(), ev()], { expectedRevision: 'no_stream' })),
      store.appendToStream(contested, [ev({ by: 'second' })], { expectedRevision: 'no_stream' }),
    ]);
    await Promise.all(busy);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', ...others.map(() => 'fulfilled'), 'rejected']);
    expect((results[results.length - 1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((await store.readStream(contested)).map((e) => e.data.by)).toEqual(['first']);
    // The seven appends that went through share one transaction.
    expect(await transactionsOf([contested, ...others])).toBe(1);
  });

  it('should let the command handler of the losing command retry: both commands on one stream end up applied, in turn', async () => {
    const streamId = `complaint-${randomUUID()}`;
    await store.appendToStream(streamId, [ev({ n: 0 })], { expectedRevision: 'no_stream' });
    const counter = {
      initialState: () => 0,
      evolve: (n: number) => n + 1,
      decide: (by: string, n: number) => [{ type: 'Counted', data: { by, seen: n } }],
    };
    const busy = occupy();
    const [a, b] = await Promise.all(['a', 'b'].map((by) => handleCommand(store, streamId, counter, by, { metadata: {}, eventIds: (es) => es.map(() => randomUUID()) })));
    await Promise.all(busy);
    expect([a.nextExpectedRevision, b.nextExpectedRevision].sort()).toEqual([1n, 2n]);
    expect((await store.readStream(streamId)).slice(1).map((e) => e.data.seen)).toEqual([1, 2]);
  });

  it('should fail only the append the server refuses and commit the others of its batch', async () => {
    const good = Array.from({ length: 3 }, () => `complaint-${randomUUID()}`);
    const bad = `complaint-${randomUUID()}`;
    const busy = occupy();
    const results = await Promise.allSettled([
      ...good.map((s) => store.appendToStream(s, [ev()], { expectedRevision: 'no_stream' })),
      store.appendToStream(bad, [ev({ text: 'nul \u0000 inside' })], { expectedRevision: 'no_stream' }),
    ]);
    await Promise.all(busy);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(await store.readStream(bad)).toEqual([]);
    for (const s of good) expect(await store.readStream(s)).toHaveLength(1);
  });

  it('should keep $all in order for a reader while four stores (four processes) group-commit concurrently', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => newStore(db)));
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ streamPrefix: 'multi-', batchSize: 113 }, async (batch) => void received.push(...batch));
    const perWriter = 150;
    await Promise.all(
      stores.flatMap((s, si) =>
        Array.from({ length: 4 }, async (_, w) => {
          for (let n = 0; n < perWriter; n++) await s.appendToStream(`multi-${si}-${w}`, [ev({ writer: `${si}-${w}`, n })], { expectedRevision: 'any' });
        }),
      ),
    );
    const total = 4 * 4 * perWriter;
    const deadline = Date.now() + 30_000;
    while (received.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await subscription.stop();
    await Promise.all(stores.map((s) => s.close()));
    expect(received).toHaveLength(total);
    expect(new Set(received.map((e) => e.id)).size).toBe(total);
    for (let i = 1; i < received.length; i++) expect(received[i].position > received[i - 1].position).toBe(true);
    const writers = new Set(received.map((e) => e.data.writer as string));
    for (const w of writers) expect(received.filter((e) => e.data.writer === w).map((e) => e.data.n)).toEqual(Array.from({ length: perWriter }, (_, i) => i));
    // Appends really were grouped: fewer transactions than appends.
    const { rows } = await store['pool'].query<{ n: number }>(`SELECT count(DISTINCT tx_id::text)::int AS n FROM event_store.events WHERE stream_id LIKE 'multi-%'`);
    expect(rows[0].n).toBeLessThan(total);
  }, 60_000);
});

describe('Tamper evidence on the PostgreSQL store', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('es_tamper');
    store = await newStore(db);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('should verify an untouched chain and report the first altered event after a direct UPDATE in PostgreSQL', async () => {
    const streamId = `complaint-${randomUUID()}`;
    const events = ['ComplaintRegistered', 'ComplaintTriaged', 'FirstReplyGiven', 'ComplaintResolved'].map((type, i) => ({
      id: randomUUID(),
      type,
      data: { step: i, note: `第${i}步` },
      metadata: { actor: { id: 'u-1', role: 'cs_assistant' } },
    }));
    let prev = GENESIS_HASH;
    for (const e of events) {
      await store.appendToStream(streamId, chainEvents(prev, [e]));
      prev = lastHashOf(await store.readStream(streamId));
    }
    expect(verifyChain(await store.readStream(streamId))).toEqual({ valid: true, events: 4 });

    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    // A tamperer with superuser rights first switches off the append-only trigger.
    await sql.query('BEGIN; ALTER TABLE event_store.events DISABLE TRIGGER USER');
    await sql.query(`UPDATE event_store.events SET data = jsonb_set(data, '{note}', '"改过了"') WHERE stream_id = $1 AND stream_revision = 2`, [streamId]);
    await sql.query('ALTER TABLE event_store.events ENABLE TRIGGER USER; COMMIT');
    await sql.end();

    expect(verifyChain(await store.readStream(streamId))).toEqual({ valid: false, events: 4, brokenAt: 3, reason: 'hash_mismatch' });
  });
});

describe('PostgreSQL appends as the store grows, and appends that repeat stored ids', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('es_append');
  });
  afterAll(async () => {
    await db.drop();
  });

  const tableStats = async (sql: Client) =>
    (
      await sql.query<{ seq_tup_read: string; idx_scan: string }>(
        `SELECT seq_tup_read, coalesce(idx_scan, 0) AS idx_scan FROM pg_stat_user_tables WHERE schemaname = 'event_store' AND relname = 'events'`,
      )
    ).rows[0];

  it('should never scan the whole events table to append, however many appends one connection has made', async () => {
    // One connection, so its cached plans are the ones in use: a generic plan made while
    // the table was small used to turn the duplicate-id lookup into a sequential scan.
    const pool = new Pool({ connectionString: db.url, max: 1 });
    pool.on('error', () => undefined);
    const store = new PostgresEventStore({ pool });
    await store.migrate();
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    const before = await tableStats(sql);
    const appends = 1_500;
    for (let i = 0; i < appends; i++) {
      await store.appendToStream(`complaint-${randomUUID()}`, chainEvents(GENESIS_HASH, [
        { id: randomUUID(), type: 'ComplaintRegistered', data: { i }, metadata: {} },
        { id: randomUUID(), type: 'ComplaintTriaged', data: { i }, metadata: {} },
      ]), { expectedRevision: 'no_stream' });
    }
    await store.close();
    await pool.end(); // the backend flushes its statistics as it exits
    let after = await tableStats(sql);
    for (let tries = 0; Number(after.idx_scan) - Number(before.idx_scan) < appends && tries < 50; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await tableStats(sql);
    }
    await sql.end();
    expect(Number(after.idx_scan) - Number(before.idx_scan)).toBeGreaterThanOrEqual(appends);
    // (Creating the table's indexes at migration counts as scans of the then empty table: 0 rows read.)
    expect(Number(after.seq_tup_read) - Number(before.seq_tup_read)).toBe(0);
  }, 60_000);

  it('should treat a retry with any as a no-op and keep nothing of an append that mixes new ids with stored ones', async () => {
    const store = new PostgresEventStore({ connectionString: db.url });
    await store.migrate();
    const e = (type: string) => ({ id: randomUUID(), type, data: {}, metadata: {} });
    const [a, b, c] = [e('A'), e('B'), e('C')];
    const s1 = `complaint-${randomUUID()}`;
    const s2 = `complaint-${randomUUID()}`;
    const first = await store.appendToStream(s1, [a, b], { expectedRevision: 'no_stream' });

    // A retry of the same events with `any` goes through the insert and is a no-op.
    expect(await store.appendToStream(s1, [a, b], { expectedRevision: 'any' })).toEqual(first);
    expect(await store.appendToStream(s1, [a, b], { expectedRevision: 1n })).toEqual(first);
    const countAll = async () => (await store.readAll({ maxCount: 100 })).length;
    const storedBefore = await countAll();

    // New and stored ids mixed, on the stream they belong to and on another one: rejected, nothing kept.
    await expect(store.appendToStream(s1, [c, a], { expectedRevision: 'any' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.appendToStream(s1, [c, a], { expectedRevision: 1n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.appendToStream(s2, [c, b], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.appendToStream(s2, [a, b], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect((await store.readStream(s1)).map((x) => x.id)).toEqual([a.id, b.id]);
    expect(await store.readStream(s2)).toEqual([]);
    expect(await countAll()).toBe(storedBefore);

    // The stream carries on normally, and the new id is still free to use.
    const next = await store.appendToStream(s1, [c], { expectedRevision: 1n });
    expect(next.nextExpectedRevision).toBe(2n);
    expect((await store.readStream(s1)).map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    await store.close();
  });
});

describe('Rule: stored events are append-only in the database, for the services’ role and even for the owner (issue 13 row 4)', () => {
  const KEY = chainKeyFrom('event-store-int-test-chain-key-of-32-characters');
  let db: TestDatabase;
  let store: PostgresEventStore;
  let owner: Client;
  const role = `es_writer_${randomUUID().slice(0, 8)}`;
  const counter = {
    initialState: () => 0,
    evolve: (n: number) => n + 1,
    decide: (by: string, n: number) => [{ type: 'Counted', data: { by, seen: n } }],
  };
  const count = (s: PostgresEventStore, streamId: string, by: string) =>
    handleCommand(s, streamId, counter, by, { metadata: { actor: { id: 'u-1', role: 'cs_assistant' } }, eventIds: (es) => es.map(() => randomUUID()) });

  beforeAll(async () => {
    db = await createTestDatabase('es_append_only');
    store = new PostgresEventStore({ connectionString: db.url, chainKey: KEY });
    await store.migrate();
    owner = new Client({ connectionString: db.url });
    await owner.connect();
  });
  afterAll(async () => {
    await store.close();
    await owner.end();
    await db.drop();
    const admin = new Client({ connectionString: withDatabase(db.url, 'postgres') });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
  });

  it('given stored events, when the owner (a superuser here) updates, deletes or truncates them, then each is refused and nothing changes', async () => {
    const streamId = `complaint-${randomUUID()}`;
    await count(store, streamId, 'a');
    await count(store, streamId, 'b');
    for (const statement of [
      `UPDATE event_store.events SET data = '{}' WHERE stream_id = '${streamId}'`,
      `UPDATE event_store.events SET recorded_at = recorded_at - interval '1 day' WHERE stream_id = '${streamId}'`,
      `DELETE FROM event_store.events WHERE stream_id = '${streamId}' AND stream_revision = 1`,
      'TRUNCATE event_store.events',
    ]) {
      await expect(owner.query(statement)).rejects.toThrow(/append-only/);
    }
    expect((await store.readStream(streamId)).map((e) => e.data.by)).toEqual(['a', 'b']);
    expect((await verifyStoredStream(store, streamId)).verification).toEqual({ valid: true, events: 2 });
  });

  it('given a retried append that repeats a stored id, when append_events takes back the rows it inserted itself, then the trigger lets it (they never committed)', async () => {
    const streamId = `complaint-${randomUUID()}`;
    const first = { id: randomUUID(), type: 'Counted', data: {}, metadata: {} };
    await store.appendToStream(streamId, [first], { expectedRevision: 'no_stream' });
    // A new id then the stored one: the new row is inserted, then deleted by the same transaction.
    await expect(store.appendToStream(streamId, [{ ...first, id: randomUUID() }, first], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  it(`given a login role that is a member of ${EVENT_WRITER_ROLE}, when it appends and reads through the store, then that works, and UPDATE, DELETE, TRUNCATE and disabling the trigger are refused`, async () => {
    await owner.query(`CREATE ROLE ${role} LOGIN PASSWORD 'writer-test-password' IN ROLE ${EVENT_WRITER_ROLE}`);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'writer-test-password';
    const writer = new PostgresEventStore({ connectionString: url.toString(), chainKey: KEY });
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const streams = Array.from({ length: 6 }, () => `complaint-${randomUUID()}`);
      // Concurrent appends go through the group commit's batch function as well as the single one.
      await Promise.all(streams.map((s) => count(writer, s, 'writer')));
      await Promise.all(streams.map((s) => count(writer, s, 'writer')));
      for (const s of streams) expect((await verifyStoredStream(writer, s)).verification).toEqual({ valid: true, events: 2 });
      for (const statement of [
        `UPDATE event_store.events SET data = '{}' WHERE stream_id = '${streams[0]}'`,
        `DELETE FROM event_store.events WHERE stream_id = '${streams[0]}'`,
        'TRUNCATE event_store.events',
        'ALTER TABLE event_store.events DISABLE TRIGGER USER',
        `DELETE FROM event_store.stream_heads WHERE stream_id = '${streams[0]}'`,
      ]) {
        await expect(client.query(statement)).rejects.toThrow(/permission denied|must be owner|append-only/);
      }
      expect((await verifyStoredStream(writer, streams[0])).verification).toEqual({ valid: true, events: 2 });
    } finally {
      await client.end();
      await writer.close();
    }
  });
});
