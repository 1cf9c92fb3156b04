import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from './postgres-event-store';
import { isUnitRecordError, isWrongExpectedRevision, WrongExpectedRevisionError, type EventToAppend, type UnitOfWork } from '../event-store.port';

/**
 * Units of work on the PostgreSQL event store (`commitUnit`, the pipeline issue's "one
 * commit per command"), against a real server: records and appends of one unit commit
 * together or not at all, units arriving together share one transaction with their own
 * outcomes, and a server that drops connections mid-write loses nothing acknowledged and
 * leaves nothing half-written.
 */
let db: TestDatabase;
let pool: Pool;
let store: PostgresEventStore;
/** Every statement the store sends, to see which units went in one transaction. */
const unitStatements: number[] = [];

const event = (n: number): EventToAppend => ({ id: randomUUID(), type: 'Tick', data: { n }, metadata: {} });
const claimsOf = async (key: string) => (await pool.query('SELECT count(*)::int AS n FROM uow.claims WHERE key = $1', [key])).rows[0].n as number;
const eventsOf = async (streamId: string) => (await pool.query('SELECT count(*)::int AS n FROM event_store.events WHERE stream_id = $1', [streamId])).rows[0].n as number;

beforeAll(async () => {
  db = await createTestDatabase('unit_of_work');
  pool = new Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('append_units(')) unitStatements.push(((args[1] as unknown[])[0] as number[]).length);
    return query(...args);
  };
  store = new PostgresEventStore({ pool });
  await store.migrate();
  await pool.query(`CREATE SCHEMA uow;
    CREATE TABLE uow.claims (key text PRIMARY KEY, stream text NOT NULL, secret bytea, created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE uow.barred (key text PRIMARY KEY);`);
});

afterAll(async () => {
  await store.close();
  await pool.end();
  await db.drop();
});

describe('Units of work on the PostgreSQL event store', () => {
  it('should commit two commands on one stream in one group-commit batch: one wins, the other gets its own conflict and wins on retry', async () => {
    const stream = `uow-${randomUUID()}`;
    await store.appendToStream(stream, [event(0)], { expectedRevision: 'no_stream' });
    unitStatements.length = 0;
    // The first unit goes alone at once; the two that arrive while it commits form the next group.
    const opener = store.commitUnit({ appends: [{ streamId: `uow-${randomUUID()}`, events: [event(0)], options: { expectedRevision: 'no_stream' } }] });
    const unit = (key: string): UnitOfWork => ({
      records: [{ insert: 'uow.claims', row: { key, stream } }],
      appends: [{ streamId: stream, events: [event(1)], options: { expectedRevision: 0n } }],
    });
    const [a, b] = await Promise.allSettled([store.commitUnit(unit('a')), store.commitUnit(unit('b'))]);
    await opener;
    expect(unitStatements).toEqual([1, 2]); // the two commands shared one transaction
    expect(a.status).toBe('fulfilled');
    expect(a.status === 'fulfilled' && a.value.appends[0].nextExpectedRevision).toBe(1n);
    expect(b.status).toBe('rejected');
    const conflict = b.status === 'rejected' ? (b.reason as WrongExpectedRevisionError) : undefined;
    expect(isWrongExpectedRevision(conflict)).toBe(true);
    expect(conflict?.actual).toBe(1n);
    // The loser left nothing: no claim, no event.
    expect(await claimsOf('b')).toBe(0);
    expect(await eventsOf(stream)).toBe(2);
    // Its retry, from the stream as it now is, goes through.
    const retried = await store.commitUnit({ ...unit('b'), appends: [{ streamId: stream, events: [event(2)], options: { expectedRevision: 1n } }] });
    expect(retried.appends[0].nextExpectedRevision).toBe(2n);
    expect(await claimsOf('b')).toBe(1);
  });

  it('should keep nothing of a unit whose second append fails, while the units beside it in the same transaction commit', async () => {
    const taken = `uow-${randomUUID()}`;
    await store.appendToStream(taken, [event(0)], { expectedRevision: 'no_stream' });
    const fresh = `uow-${randomUUID()}`;
    const ok = `uow-${randomUUID()}`;
    unitStatements.length = 0;
    const opener = store.commitUnit({ appends: [{ streamId: `uow-${randomUUID()}`, events: [event(0)] }] });
    const [failed, committed] = await Promise.allSettled([
      store.commitUnit({
        records: [{ insert: 'uow.claims', row: { key: 'half', stream: fresh, secret: Buffer.from([1, 2, 3]) } }],
        appends: [
          { streamId: fresh, events: [event(1), event(2)], options: { expectedRevision: 'no_stream' } },
          { streamId: taken, events: [event(1)], options: { expectedRevision: 'no_stream' } },
        ],
      }),
      store.commitUnit({ records: [{ insert: 'uow.claims', row: { key: 'whole', stream: ok, secret: Buffer.from([9]) } }], appends: [{ streamId: ok, events: [event(1)], options: { expectedRevision: 'no_stream' } }] }),
    ]);
    await opener;
    expect(unitStatements).toEqual([1, 2]);
    expect(failed.status === 'rejected' && isWrongExpectedRevision(failed.reason) && failed.reason.streamId).toBe(taken);
    expect(committed.status).toBe('fulfilled');
    expect(await claimsOf('half')).toBe(0);
    expect(await eventsOf(fresh)).toBe(0);
    expect(await claimsOf('whole')).toBe(1);
    expect((await pool.query(`SELECT secret FROM uow.claims WHERE key = 'whole'`)).rows[0].secret).toEqual(Buffer.from([9]));
  });

  it('should refuse a unit whose record exists already, or that a guard bars, and write none of its events', async () => {
    await pool.query(`INSERT INTO uow.claims (key, stream) VALUES ('kept', 'x'); INSERT INTO uow.barred (key) VALUES ('erased')`);
    const s1 = `uow-${randomUUID()}`;
    const s2 = `uow-${randomUUID()}`;
    const exists = await store
      .commitUnit({ records: [{ insert: 'uow.claims', row: { key: 'kept', stream: s1 } }], appends: [{ streamId: s1, events: [event(1)] }] })
      .catch((e: unknown) => e);
    expect(isUnitRecordError(exists) && [exists.index, exists.reason, exists.table]).toEqual([0, 'exists', 'uow.claims']);
    const barred = await store
      .commitUnit({
        records: [
          { insert: 'uow.claims', row: { key: 'new-one', stream: s2 } },
          { absent: 'uow.barred', where: { key: 'erased' } },
        ],
        appends: [{ streamId: s2, events: [event(1)] }],
      })
      .catch((e: unknown) => e);
    expect(isUnitRecordError(barred) && [barred.index, barred.reason]).toEqual([1, 'present']);
    expect(await claimsOf('new-one')).toBe(0);
    expect(await eventsOf(s1)).toBe(0);
    expect(await eventsOf(s2)).toBe(0);
  });

  it('should lose nothing acknowledged and leave nothing half-written when the server kills the writing connections mid-flight', async () => {
    const units = 240;
    const outcome = new Map<number, 'ok' | 'failed'>();
    let stop = false;
    // Terminates whatever backend is running append_units, every few milliseconds.
    const killer = (async () => {
      const admin = new Pool({ connectionString: db.url, max: 1 });
      let kills = 0;
      while (!stop) {
        const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%append_units(%' AND state = 'active'`);
        kills += rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      await admin.end();
      return kills;
    })();
    await Promise.all(
      Array.from({ length: 12 }, async (_, worker) => {
        for (let i = worker; i < units; i += 12) {
          try {
            await store.commitUnit({
              records: [{ insert: 'uow.claims', row: { key: `crash-${i}`, stream: `crash-${i}` } }],
              appends: [
                { streamId: `crash-${i}`, events: [event(1), event(2), event(3)], options: { expectedRevision: 'no_stream' } },
                { streamId: `crash-side-${i}`, events: [event(1)], options: { expectedRevision: 'no_stream' } },
              ],
            });
            outcome.set(i, 'ok');
          } catch {
            outcome.set(i, 'failed');
          }
        }
      }),
    );
    stop = true;
    const kills = await killer;
    const { rows } = await pool.query<{ i: number; claim: number; events: number; side: number }>(
      `SELECT i, (SELECT count(*)::int FROM uow.claims WHERE key = 'crash-' || i) AS claim,
              (SELECT count(*)::int FROM event_store.events WHERE stream_id = 'crash-' || i) AS events,
              (SELECT count(*)::int FROM event_store.events WHERE stream_id = 'crash-side-' || i) AS side
         FROM generate_series(0, $1 - 1) AS i`,
      [units],
    );
    const acknowledgedLost = rows.filter((r) => outcome.get(r.i) === 'ok' && !(r.claim === 1 && r.events === 3 && r.side === 1));
    const halfWritten = rows.filter((r) => !((r.claim === 1 && r.events === 3 && r.side === 1) || (r.claim === 0 && r.events === 0 && r.side === 0)));
    expect(acknowledgedLost).toEqual([]);
    expect(halfWritten).toEqual([]);
    // The run did exercise the failure: connections were killed and units failed with them.
    expect(kills).toBeGreaterThan(0);
    expect([...outcome.values()].filter((o) => o === 'failed').length).toBeGreaterThan(0);
  });
});
