import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { applyOnce, applyOnceBatch, processedEventsTableSql } from './apply-once';

/**
 * The idempotent-consumer helper on real PostgreSQL: the processed-id row and the effect
 * commit together or not at all, so a redelivery (sequential or racing) changes nothing.
 */
describe('applyOnce on PostgreSQL', () => {
  const schema = 'ao';
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('apply_once');
    pool = new Pool({ connectionString: db.url, max: 20 });
    // pool.end() resolves before its connections have closed; dropping the database right
    // after terminates them, which the pool reports as an error on an idle client.
    pool.on('error', () => undefined);
    await pool.query(processedEventsTableSql(schema));
    await pool.query(`CREATE TABLE ${schema}.counters (name text PRIMARY KEY, n int NOT NULL)`);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const increment = (name: string) => async (client: PoolClient) => {
    await client.query(`INSERT INTO ${schema}.counters (name, n) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1`, [name]);
  };
  const counter = async (name: string): Promise<number | undefined> => {
    const { rows } = await pool.query<{ n: number }>(`SELECT n FROM ${schema}.counters WHERE name = $1`, [name]);
    return rows[0]?.n;
  };
  const processed = async (consumer: string, eventId: string): Promise<number> =>
    Number((await pool.query<{ c: string }>(`SELECT count(*) AS c FROM ${schema}.processed_events WHERE consumer = $1 AND event_id = $2`, [consumer, eventId])).rows[0].c);

  it('should apply an event once and report the second delivery of the same id as a duplicate', async () => {
    const eventId = randomUUID();
    const name = `seq-${eventId}`;
    expect(await applyOnce(pool, schema, 'projector', eventId, increment(name))).toBe('applied');
    expect(await applyOnce(pool, schema, 'projector', eventId, increment(name))).toBe('duplicate');
    expect(await applyOnce(pool, schema, 'projector', eventId, increment(name))).toBe('duplicate');
    expect(await counter(name)).toBe(1);
    expect(await processed('projector', eventId)).toBe(1);
  });

  it('should keep consumers apart: another consumer applies the same event id for itself', async () => {
    const eventId = randomUUID();
    const name = `two-consumers-${eventId}`;
    expect(await applyOnce(pool, schema, 'consumer-a', eventId, increment(name))).toBe('applied');
    expect(await applyOnce(pool, schema, 'consumer-b', eventId, increment(name))).toBe('applied');
    expect(await applyOnce(pool, schema, 'consumer-a', eventId, increment(name))).toBe('duplicate');
    expect(await counter(name)).toBe(2);
  });

  it('should apply the effect exactly once when the same event id is delivered 16 times concurrently', async () => {
    const eventId = randomUUID();
    const name = `race-${eventId}`;
    // A slow effect keeps the first transaction open while the others arrive.
    const slowIncrement = async (client: PoolClient) => {
      await client.query('SELECT pg_sleep(0.05)');
      await increment(name)(client);
    };
    const results = await Promise.all(Array.from({ length: 16 }, () => applyOnce(pool, schema, 'racer', eventId, slowIncrement)));
    expect(results.filter((r) => r === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(15);
    expect(await counter(name)).toBe(1);
    expect(await processed('racer', eventId)).toBe(1);
  });

  it('should persist neither the effect nor the processed id when the effect throws, so a redelivery applies it', async () => {
    const eventId = randomUUID();
    const name = `throws-${eventId}`;
    await expect(
      applyOnce(pool, schema, 'fragile', eventId, async (client) => {
        await increment(name)(client);
        throw new Error('effect failed half-way');
      }),
    ).rejects.toThrow('effect failed half-way');
    expect(await counter(name)).toBeUndefined();
    expect(await processed('fragile', eventId)).toBe(0);

    // The redelivery is not mistaken for a duplicate.
    expect(await applyOnce(pool, schema, 'fragile', eventId, increment(name))).toBe('applied');
    expect(await counter(name)).toBe(1);
    expect(await processed('fragile', eventId)).toBe(1);
  });

  it('should let a racing redelivery apply the event when the delivery holding the id fails and rolls back', async () => {
    const eventId = randomUUID();
    const name = `race-fail-${eventId}`;
    let releaseFirst!: () => void;
    const firstMayFail = new Promise<void>((r) => (releaseFirst = r));
    let firstInside!: () => void;
    const firstHasInserted = new Promise<void>((r) => (firstInside = r));

    const first = applyOnce(pool, schema, 'racer-2', eventId, async (client) => {
      await increment(name)(client);
      firstInside();
      await firstMayFail;
      throw new Error('first delivery crashed');
    });
    await firstHasInserted;
    // The second delivery blocks on the first one's uncommitted processed-id row…
    const second = applyOnce(pool, schema, 'racer-2', eventId, increment(name));
    await new Promise((r) => setTimeout(r, 200));
    releaseFirst();
    // …and once that rolls back, it applies the event itself.
    await expect(first).rejects.toThrow('first delivery crashed');
    expect(await second).toBe('applied');
    expect(await counter(name)).toBe(1);
    expect(await processed('racer-2', eventId)).toBe(1);
  });

  describe('applyOnceBatch: one transaction per delivered batch', () => {
    const incrementAll = async (client: PoolClient, items: { eventId: string; name: string }[]) => {
      for (const item of items) await increment(item.name)(client);
    };

    it('should apply a batch half-applied by a failed attempt, then redelivered with more, each event exactly once', async () => {
      const name = `batch-${randomUUID()}`;
      const items = Array.from({ length: 6 }, () => ({ eventId: randomUUID(), name }));
      // The first delivery fails after its effects ran half-way: nothing of it stays.
      await expect(
        applyOnceBatch(pool, schema, 'batcher', items.slice(0, 4), async (client, fresh) => {
          await incrementAll(client, fresh.slice(0, 2));
          throw new Error('the projection failed half-way');
        }),
      ).rejects.toThrow('half-way');
      expect(await counter(name)).toBeUndefined();
      expect(await processed('batcher', items[0].eventId)).toBe(0);
      // A smaller batch gets through, then the broker redelivers an overlapping, larger one.
      expect((await applyOnceBatch(pool, schema, 'batcher', items.slice(0, 2), incrementAll)).length).toBe(2);
      const second = await applyOnceBatch(pool, schema, 'batcher', [...items, items[3]], incrementAll);
      expect(second.map((i) => i.eventId)).toEqual(items.slice(2).map((i) => i.eventId));
      expect(await counter(name)).toBe(6);
      expect((await applyOnceBatch(pool, schema, 'batcher', items, incrementAll)).length).toBe(0);
      expect(await counter(name)).toBe(6);
    });
  });
});
