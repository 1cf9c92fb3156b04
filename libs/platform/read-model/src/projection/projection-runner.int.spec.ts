import { DataSource } from 'typeorm';
import type { RecordedEvent } from '@complaints/event-store';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { projectionCheckpointsTableSql } from './projection-checkpoint';
import { RebuildBuffer, applyEvents } from './projection-engine';
import { fromRecordedEvent, type ProjectedEvent } from './projected-event';
import { ProjectionRunner, RebuildInProgressError, RebuildStoppedError, type ProjectionSource } from './projection-runner';
import { upsertRows } from './bulk-write.util';
import type { StreamProjection } from './stream-projection';

/**
 * The projection machinery on a toy projection whose state is simply the list of revisions
 * it has folded: any event applied twice, skipped or out of order shows in the row.
 */
type Toy = { revisions: number[] };

const toy: StreamProjection<Toy> = {
  name: 'toy',
  description: 'revisions folded per stream',
  stateTable: { table: 'rm.toy', key: 'id', keyType: 'text' },
  tables: ['rm.toy'],
  evolve: (state, event) => ({ revisions: [...(state?.revisions ?? []), event.revision] }),
  write: (manager, changes) =>
    upsertRows(
      manager,
      'rm.toy',
      [
        { name: 'id', type: 'text' },
        { name: 'version', type: 'integer' },
        { name: 'state', type: 'jsonb' },
      ],
      ['id'],
      changes.map((c) => ({ id: c.key, version: c.version, state: c.after })),
    ),
};

/** Three streams of 40 events, interleaved in global order. */
const STORE: RecordedEvent[] = Array.from({ length: 120 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'Happened',
  streamId: `s-${i % 3}`,
  revision: BigInt(Math.floor(i / 3)),
  position: BigInt(i + 1),
  data: {},
  metadata: {},
  recordedAt: new Date(Date.UTC(2025, 0, 1, 0, i)),
}));

const project = (e: RecordedEvent): ProjectedEvent => fromRecordedEvent(e, e.streamId);

const source: ProjectionSource = {
  readAll: async (after, maxCount) => STORE.filter((e) => e.position > after).slice(0, maxCount),
  readStream: async (streamId) => STORE.filter((e) => e.streamId === streamId).map(project),
  toProjected: project,
  headPosition: async () => 120n,
};

const everything = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('ProjectionRunner and RebuildBuffer', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let runner: ProjectionRunner;

  const rows = async () =>
    Object.fromEntries(((await dataSource.query('SELECT id, version, state FROM rm.toy ORDER BY id')) as { id: string; version: number; state: Toy }[]).map((r) => [r.id, [r.version, r.state.revisions]]));

  beforeAll(async () => {
    db = await createTestDatabase('read_model');
    dataSource = new DataSource({ type: 'postgres', url: db.url, extra: { max: 4 } });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA rm; CREATE TABLE rm.processed_events (consumer text, event_id uuid, PRIMARY KEY (consumer, event_id));
      CREATE TABLE rm.toy (id text PRIMARY KEY, version integer NOT NULL, state jsonb NOT NULL); ${projectionCheckpointsTableSql('rm')}`);
    runner = new ProjectionRunner(dataSource, 'rm', source);
  }, 30_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('should rebuild every stream in revision order, with its checkpoint, writing in few transactions and recording no applied ids (a live redelivery of a rebuilt event is skipped by the row\'s version)', async () => {
    const report = await runner.rebuild(toy, { batchSize: 7, flushEvery: 50 });
    expect(report).toMatchObject({ projection: 'toy', events: 120, rows: 3, batches: 3 });
    expect(await rows()).toEqual({ 's-0': [40, everything(40)], 's-1': [40, everything(40)], 's-2': [40, everything(40)] });
    expect(await runner.checkpoint('toy')).toMatchObject({ status: 'live', position: '120', events: 120 });
    const [{ n }] = (await dataSource.query(`SELECT count(*)::int AS n FROM rm.processed_events WHERE consumer = 'toy'`)) as { n: number }[];
    expect(n).toBe(0);
    const before = await rows();
    await runner.applyLiveBatch(toy, [STORE[4], STORE[60], STORE[119]].map(project));
    expect(await rows()).toEqual(before);
  });

  it('should flush a rebuild when its changed rows reach flushRows, before flushEvery events', async () => {
    const report = await runner.rebuild(toy, { batchSize: 7, flushEvery: 1_000, flushRows: 2 });
    // Every read batch of 7 touches all three streams: each is flushed on its own.
    expect(report).toMatchObject({ events: 120, rows: 3, batches: Math.ceil(120 / 7) });
    expect(await rows()).toEqual({ 's-0': [40, everything(40)], 's-1': [40, everything(40)], 's-2': [40, everything(40)] });
  });

  it('should skip a redelivered event by its id and heal a gap from the stream', async () => {
    await dataSource.query('TRUNCATE rm.toy, rm.processed_events');
    const first = project(STORE[0]);
    expect(await runner.applyLive(toy, first)).toBe('applied');
    expect(await runner.applyLive(toy, first)).toBe('duplicate');
    // s-0 revision 5 arrives while 1–4 never did: they are read from the stream first.
    expect(await runner.applyLive(toy, project(STORE[15]))).toBe('applied');
    // A late copy of revision 3 (new id for the runner: not recorded) changes nothing: the row holds it.
    await runner.applyLive(toy, project(STORE[9]));
    expect((await rows())['s-0']).toEqual([6, everything(6)]);
  });

  it('should apply a delivered batch in one transaction: a batch that fails half-way leaves nothing, and its redelivery (overlapping, with a duplicate inside) applies each event once', async () => {
    await dataSource.query('TRUNCATE rm.toy, rm.processed_events');
    const first30 = STORE.slice(0, 30).map(project);
    let failWrites = true;
    const failing: StreamProjection<Toy> = {
      ...toy,
      write: async (manager, changes) => {
        await toy.write(manager, changes.slice(0, 1)); // one row written…
        if (failWrites) throw new Error('the write failed half-way'); // …then the batch fails
        await toy.write(manager, changes.slice(1));
      },
    };
    await expect(runner.applyLiveBatch(failing, first30)).rejects.toThrow('half-way');
    expect(await rows()).toEqual({});
    failWrites = false;
    expect(await runner.applyLiveBatch(failing, first30.slice(0, 12))).toBe(12);
    // The redelivery overlaps what went through and holds one event twice.
    expect(await runner.applyLiveBatch(failing, [...first30, first30[20]])).toBe(18);
    expect(await rows()).toEqual({ 's-0': [10, everything(10)], 's-1': [10, everything(10)], 's-2': [10, everything(10)] });
    expect(await runner.applyLiveBatch(failing, first30)).toBe(0);
  });

  it('should stop at a flush when asked and resume from its checkpoint to the same rows', async () => {
    let batches = 0;
    await expect(runner.rebuild(toy, { batchSize: 10, flushEvery: 1_000, shouldStop: () => ++batches === 4 })).rejects.toBeInstanceOf(RebuildStoppedError);
    expect(await runner.checkpoint('toy')).toMatchObject({ status: 'rebuilding', position: '40', events: 40 });
    // Positions 1–40 hold revisions 0–12 of s-1 (every third event).
    expect((await rows())['s-1']).toEqual([13, everything(13)]);
    const report = await runner.rebuild(toy, { resume: true, batchSize: 10 });
    expect(report).toMatchObject({ events: 120, resumedFrom: '40' });
    expect(await rows()).toEqual({ 's-0': [40, everything(40)], 's-1': [40, everything(40)], 's-2': [40, everything(40)] });
  });

  it('should refuse a second rebuild of the same projection while one runs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reading!: () => void;
    const holding = new Promise<void>((r) => (reading = r));
    const slow = new ProjectionRunner(dataSource, 'rm', {
      ...source,
      readAll: async (after, max) => {
        reading();
        await gate;
        return source.readAll(after, max);
      },
    });
    const first = slow.rebuild(toy);
    await holding; // the first rebuild holds the projection's rebuild lock and is reading
    await expect(runner.rebuild(toy)).rejects.toBeInstanceOf(RebuildInProgressError);
    release();
    await expect(first).resolves.toMatchObject({ events: 120 });
  });

  describe('Given a rebuild buffer holding folded states that the live path overtakes before the flush', () => {
    it('should keep a row the live path took further, and bring a row it changed less far up to the buffer’s version', async () => {
      await dataSource.query('TRUNCATE rm.toy');
      // Stored before: s-0 up to revision 9, s-1 up to revision 9.
      await dataSource.transaction((m) => applyEvents(m, toy, STORE.filter((e) => e.revision < 10n && e.streamId !== 's-2').map(project), source.readStream));
      const buffer = new RebuildBuffer(toy, source.readStream);
      // The buffer folds revisions 10–19 of both.
      await buffer.add(dataSource.manager, STORE.filter((e) => e.revision >= 10n && e.revision < 20n && e.streamId !== 's-2').map(project));
      // Meanwhile the live path takes s-0 to revision 29 and s-1 to revision 14.
      await dataSource.transaction((m) => applyEvents(m, toy, STORE.filter((e) => e.streamId === 's-0' && e.revision >= 10n && e.revision < 30n).map(project), source.readStream));
      await dataSource.transaction((m) => applyEvents(m, toy, STORE.filter((e) => e.streamId === 's-1' && e.revision >= 10n && e.revision < 15n).map(project), source.readStream));
      await dataSource.transaction((m) => buffer.flush(m));
      buffer.committed();
      expect(await rows()).toEqual({ 's-0': [30, everything(30)], 's-1': [20, everything(20)] });
    });
  });
});
