import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { eventStoreContract } from '../event-store.contract';
import { PostgresEventStore } from './postgres-event-store';
import { chainEvents, GENESIS_HASH, lastHashOf, verifyChain } from '../hash-chain';
import type { RecordedEvent } from '../event-store.port';

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
    await sql.query(`UPDATE event_store.events SET data = jsonb_set(data, '{note}', '"改过了"') WHERE stream_id = $1 AND stream_revision = 2`, [streamId]);
    await sql.end();

    expect(verifyChain(await store.readStream(streamId))).toEqual({ valid: false, events: 4, brokenAt: 3, reason: 'hash_mismatch' });
  });
});
