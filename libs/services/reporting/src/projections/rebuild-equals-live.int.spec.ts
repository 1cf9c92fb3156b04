import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import type { ProjectedEvent } from '@complaints/read-model';
import { commandsInTimeOrder, generateStories, seededRandom } from '../testing/story-generator';
import { appendCommand } from '../testing/complaint-story';
import { openReportingHarness, tableChecksum, type ReportingHarness } from '../testing/reporting-harness';
import { projectedFromRecorded } from './complaint-stream';

/**
 * docs/architecture.md: "Any projection can be dropped and rebuilt from the event store, and the
 * rebuild must equal the live result." The live side here is the real live path
 * (each projection's batch apply, as the bus consumer calls it) fed the way Kafka feeds it on
 * a bad day: four partitions delivering batches concurrently, every fifth message delivered twice,
 * one in ten delivered again much later (after newer events of the same complaint), and some
 * messages lost to the dead-letter topic (never the last of a stream, which nothing could heal)
 * so later events must heal the gap from the event store.
 */
const TABLES = [
  { projection: 'complaint-view', table: 'reporting.complaint_view', orderBy: 'id' },
  { projection: 'department-dashboard', table: 'reporting.dashboard_case', orderBy: 'id' },
  { projection: 'monthly-report', table: 'reporting.report_complaint', orderBy: 'id' },
  { projection: 'monthly-report', table: 'reporting.report_fact', orderBy: 'complaint_id, ordinal' },
];

type Checksums = Record<string, { rows: number; md5: string }>;

describe('Rebuild equals live', () => {
  let db: TestDatabase;
  let h: ReportingHarness;
  let events: ProjectedEvent[];

  const checksums = async (): Promise<Checksums> => {
    const out: Checksums = {};
    for (const t of TABLES) out[t.table] = await tableChecksum(h.dataSource, t.table, t.orderBy);
    return out;
  };

  /** Delivers like a busy, failing bus; returns what it did. */
  const deliverLive = async (seed: number, during?: () => Promise<void>) => {
    const random = seededRandom(seed);
    const lastOfStream = new Map<string, string>();
    for (const e of events) lastOfStream.set(e.streamId, e.id);
    const partitions: ProjectedEvent[][] = [[], [], [], []];
    const later: ProjectedEvent[] = [];
    let duplicates = 0;
    let dropped = 0;
    for (const e of events) {
      const partition = partitions[parseInt(e.key.slice(0, 2), 16) % partitions.length];
      if (random() < 0.04 && lastOfStream.get(e.streamId) !== e.id) {
        dropped++;
        continue;
      }
      partition.push(e);
      if (random() < 0.2) {
        partition.push(e);
        duplicates++;
      }
      if (random() < 0.1) later.push(e);
    }
    // Old messages come round again, after everything else of their partition.
    for (const e of later) partitions[parseInt(e.key.slice(0, 2), 16) % partitions.length].push(e);
    const outcomes = { applied: 0, duplicate: 0 };
    // Each partition hands over batches of 1–40 messages (one transaction per batch and
    // projection, as the consumer does); a duplicate may sit in the same batch as its original.
    const work = partitions.map(async (queue, index) => {
      const size = seededRandom(seed * 31 + index);
      for (let i = 0; i < queue.length; ) {
        const batch = queue.slice(i, i + 1 + Math.floor(size() * 40));
        i += batch.length;
        for (const projection of h.projections.projections) {
          const applied = await h.projections.runner.applyLiveBatch(projection, batch);
          outcomes.applied += applied;
          outcomes.duplicate += batch.length - applied;
        }
      }
    });
    if (during) work.push(during());
    await Promise.all(work);
    return { duplicates, dropped, redelivered: later.length, outcomes };
  };

  beforeAll(async () => {
    db = await createTestDatabase('rebuild_live');
    h = await openReportingHarness(db.url);
    const stories = generateStories({ count: 160, seed: 7, sites: ['site-a', 'site-b', 'site-c'] });
    for (const { story, command } of commandsInTimeOrder(stories)) await appendCommand(h.store, story.id, command);
    // $all shows an event only once every older transaction in the cluster has ended (the
    // store's ordering rule), so under a busy test run the tail may appear a moment later:
    // read until everything appended is there.
    const [{ n }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM event_store.events WHERE stream_id LIKE 'complaint-%'`)) as { n: number }[];
    const recorded: Awaited<ReturnType<typeof h.store.readAll>> = [];
    for (let after = 0n, attempts = 0; recorded.length < n && attempts < 200; ) {
      const batch = await h.store.readAll({ after, maxCount: 1_000, streamPrefix: 'complaint-' });
      if (batch.length === 0) {
        attempts++;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      recorded.push(...batch);
      after = batch[batch.length - 1].position;
    }
    expect(recorded).toHaveLength(n);
    events = recorded.map((e) => projectedFromRecorded(e)).filter((e): e is ProjectedEvent => e !== undefined);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  it('should produce the same rows, by checksum, from a busy live run with redeliveries and from a rebuild of every projection', async () => {
    const run = await deliverLive(11);
    expect(events.length).toBeGreaterThan(1_000);
    expect(run.duplicates).toBeGreaterThan(100);
    expect(run.dropped).toBeGreaterThan(10);
    // Every duplicate and every late redelivery was recognised by its id, per projection.
    expect(run.outcomes.duplicate).toBe((run.duplicates + run.redelivered) * 3);
    const live = await checksums();
    expect(live['reporting.complaint_view'].rows).toBe(160);
    expect(live['reporting.report_fact'].rows).toBeGreaterThan(1_000);

    for (const name of ['complaint-view', 'department-dashboard', 'monthly-report']) {
      const report = await h.projections.rebuild(name, { batchSize: 250, flushEvery: 500 });
      expect(report.events).toBe(events.length);
    }
    expect(await checksums()).toEqual(live);
  }, 180_000);

  it('should notice a single altered row (the comparison can fail)', async () => {
    const before = await checksums();
    await h.dataSource.query(`UPDATE reporting.report_fact SET breached = NOT breached WHERE (complaint_id, ordinal) = (SELECT complaint_id, ordinal FROM reporting.report_fact WHERE kind = 'stage' LIMIT 1)`);
    const after = await checksums();
    expect(after['reporting.report_fact'].md5).not.toBe(before['reporting.report_fact'].md5);
    await h.projections.rebuild('monthly-report');
    expect(await checksums()).toEqual(before);
    // A change inside the folded state (a json column) is noticed too, though the key order is not compared.
    await h.dataSource.query(`UPDATE reporting.complaint_view SET state = jsonb_set(state::jsonb, '{title}', '"altered"')::json WHERE id = (SELECT id FROM reporting.complaint_view ORDER BY id LIMIT 1)`);
    expect((await checksums())['reporting.complaint_view'].md5).not.toBe(before['reporting.complaint_view'].md5);
    await h.projections.rebuild('complaint-view');
    expect(await checksums()).toEqual(before);
  }, 60_000);

  it('should still equal a clean rebuild when a rebuild runs while live traffic (with redeliveries) is being applied', async () => {
    for (const name of ['complaint-view', 'department-dashboard', 'monthly-report']) {
      await h.dataSource.query(`TRUNCATE ${h.projections.find(name)?.tables.join(', ')}`);
      await h.dataSource.query(`DELETE FROM reporting.processed_events WHERE consumer = $1`, [name]);
    }
    let concurrent = 0;
    await deliverLive(23, async () => {
      await new Promise((r) => setTimeout(r, 200));
      const report = await h.projections.rebuild('department-dashboard', { batchSize: 100, flushEvery: 300 });
      concurrent = report.events;
    });
    expect(concurrent).toBe(events.length);
    const mixed = await checksums();
    for (const name of ['complaint-view', 'department-dashboard', 'monthly-report']) await h.projections.rebuild(name);
    expect(await checksums()).toEqual(mixed);
  }, 180_000);
});
