import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import type { ProjectedEvent, StreamProjection } from '@complaints/read-model';
import type { PlatformConfig } from '@complaints/service-kit';
import { ComplaintPersonalData, ServiceProjections, SiteDirectory, openServiceDataSource } from '@complaints/service-common';
import { TRIAGE_MIGRATIONS, TRIAGE_SCHEMA, triageProjections } from '@complaints/triage-service';
import { HANDLING_MIGRATIONS, HANDLING_SCHEMA, handlingProjections } from '@complaints/handling-service';
import { CALLBACK_MIGRATIONS, CALLBACK_SCHEMA, callbackProjections } from '@complaints/callback-service';
import { INTAKE_MIGRATIONS, INTAKE_SCHEMA, intakeProjections } from '@complaints/intake-service';
import { commandsInTimeOrder, generateStories, seededRandom } from '../testing/story-generator';
import { appendCommand } from '../testing/complaint-story';
import { openReportingHarness, tableChecksum, type ReportingHarness } from '../testing/reporting-harness';
import { projectedFromRecorded } from './complaint-stream';

/**
 * docs/architecture.md: "Any projection can be dropped and rebuilt from the event store, and the
 * rebuild must equal the live result" — every projection of every service: reporting's three,
 * triage's inbox, handling's cases and deadline timers, callback's tasks, intake's contact index.
 * The live side here is the real live path
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
  { projection: 'triage-inbox', table: 'triage.inbox', orderBy: 'complaint_id' },
  { projection: 'handling-cases', table: 'handling.cases', orderBy: 'complaint_id' },
  { projection: 'deadline-timers', table: 'handling.deadline_timers', orderBy: 'complaint_id' },
  { projection: 'callback-tasks', table: 'callback.cases', orderBy: 'complaint_id' },
  { projection: 'callback-tasks', table: 'callback.tasks', orderBy: 'complaint_id' },
  { projection: 'contact-index', table: 'intake.contact_index', orderBy: 'complaint_id' },
  { projection: 'contact-index', table: 'intake.contact_index_state', orderBy: 'complaint_id' },
];

/** Every projection and the service read model it belongs to. */
type Declared = { set: ServiceProjections; projection: StreamProjection<unknown> };

type Checksums = Record<string, { rows: number; md5: string }>;

describe('Rebuild equals live', () => {
  let db: TestDatabase;
  /** The rows a complete live run gives (the first test's), which every later scenario must reach again. */
  let expected: Checksums;
  let h: ReportingHarness;
  let events: ProjectedEvent[];
  let sets: ServiceProjections[];
  let declared: Declared[];

  const find = (name: string): Declared => {
    const found = declared.find((d) => d.projection.name === name);
    if (!found) throw new Error(`no projection ${name}`);
    return found;
  };
  const rebuild = (name: string, options?: Parameters<ServiceProjections['rebuild']>[1]) => find(name).set.rebuild(name, options);
  /** Empties a projection the way nothing ever applied it (rows and applied ids). */
  const reset = async ({ set, projection }: Declared) => {
    await h.dataSource.query(`TRUNCATE ${projection.tables.join(', ')}`);
    await h.dataSource.query(`DELETE FROM ${set.schema}.processed_events WHERE consumer = $1`, [projection.name]);
  };

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
        for (const { set, projection } of declared) {
          const applied = await set.runner.applyLiveBatch(projection, batch);
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
    // Every other service's read model in the same database, as each service opens it (its migrations, its projections).
    const sites = SiteDirectory.from({});
    const personalData = new ComplaintPersonalData(h.pool, { personalDataKey: 'rebuild-tests-only-personal-data-key-0123' } as PlatformConfig);
    const open = async (schema: string, migrations: typeof TRIAGE_MIGRATIONS, projections: StreamProjection<unknown>[]) =>
      new ServiceProjections(await openServiceDataSource(db.url, { schema, migrations, poolSize: 2 }), schema, h.store, projections);
    sets = [
      h.projections,
      await open(TRIAGE_SCHEMA, TRIAGE_MIGRATIONS, triageProjections()),
      await open(HANDLING_SCHEMA, HANDLING_MIGRATIONS, handlingProjections(sites)),
      await open(CALLBACK_SCHEMA, CALLBACK_MIGRATIONS, callbackProjections()),
      await open(INTAKE_SCHEMA, INTAKE_MIGRATIONS, intakeProjections(sites, personalData)),
    ];
    declared = sets.flatMap((set) => set.projections.map((projection) => ({ set, projection })));
    const stories = generateStories({ count: 160, seed: 7, sites: ['site-a', 'site-b', 'site-c'] });
    for (const { story, command } of commandsInTimeOrder(stories)) await appendCommand(h.store, story.id, command);
    // $all shows an event only once every older transaction in the cluster has ended (the
    // store's ordering rule), so under a busy test run the tail may appear a moment later:
    // read until everything appended is there.
    const [{ n }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM event_store.events WHERE stream_id LIKE 'complaint-%'`)) as { n: number }[];
    const recorded: Awaited<ReturnType<typeof h.store.readAll>> = [];
    for (let after = 0n, attempts = 0; recorded.length < n && attempts < 2_400; ) {
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
  }, 240_000);

  afterAll(async () => {
    for (const set of sets?.slice(1) ?? []) await set.dataSource.destroy();
    await h?.close();
    await db?.drop();
  });

  it('should produce the same rows, by checksum, from a busy live run with redeliveries and from a rebuild of every projection', async () => {
    const run = await deliverLive(11);
    expect(events.length).toBeGreaterThan(1_000);
    expect(run.duplicates).toBeGreaterThan(100);
    expect(run.dropped).toBeGreaterThan(10);
    // Every duplicate and every late redelivery was recognised by its id, per projection.
    expect(declared.map((d) => d.projection.name)).toEqual(['complaint-view', 'department-dashboard', 'monthly-report', 'triage-inbox', 'handling-cases', 'deadline-timers', 'callback-tasks', 'contact-index']);
    expect(run.outcomes.duplicate).toBe((run.duplicates + run.redelivered) * declared.length);
    const live = await checksums();
    expect(live['reporting.complaint_view'].rows).toBe(160);
    expect(live['reporting.report_fact'].rows).toBeGreaterThan(1_000);
    // Every service's rows are there: a record and a timer per complaint, a task per resolved one, an index entry per phone.
    for (const table of ['triage.inbox', 'handling.cases', 'handling.deadline_timers', 'callback.cases', 'intake.contact_index']) expect(live[table].rows).toBe(160);
    expect(live['callback.tasks'].rows).toBeGreaterThan(50);
    expected = live;

    for (const { projection } of declared) {
      const report = await rebuild(projection.name, { batchSize: 250, flushEvery: 500 });
      expect(report.events).toBe(events.length);
    }
    expect(await checksums()).toEqual(live);
  }, 240_000);

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
    // The same for a service's own table: a task's round off by one shows, and the rebuild mends it.
    await h.dataSource.query(`UPDATE callback.tasks SET round = round + 1 WHERE complaint_id = (SELECT complaint_id FROM callback.tasks LIMIT 1)`);
    expect((await checksums())['callback.tasks'].md5).not.toBe(before['callback.tasks'].md5);
    await rebuild('callback-tasks');
    expect(await checksums()).toEqual(before);
  }, 60_000);

  it('should still equal a clean rebuild when projections are dropped and rebuilt while live traffic (with redeliveries) keeps arriving', async () => {
    for (const d of declared) await reset(d);
    // One projection of each service dropped and rebuilt under load, one after the other, while the partitions deliver.
    const underLoad = ['department-dashboard', 'triage-inbox', 'deadline-timers', 'callback-tasks', 'contact-index'];
    const concurrent: Record<string, number> = {};
    await deliverLive(23, async () => {
      await new Promise((r) => setTimeout(r, 200));
      for (const name of underLoad) concurrent[name] = (await rebuild(name, { batchSize: 100, flushEvery: 300 })).events;
    });
    for (const name of underLoad) expect(concurrent[name]).toBe(events.length);
    const mixed = await checksums();
    // Converged: the rows equal a clean rebuild of everything, and the rows of the first, undisturbed live run.
    expect(mixed).toEqual(expected);
    for (const { projection } of declared) await rebuild(projection.name);
    expect(await checksums()).toEqual(mixed);
  }, 300_000);

  it('should apply each event once when a batch half-applied (part committed, then a failure half-way) is delivered again, for every projection', async () => {
    const batch = events.slice(0, 80);
    for (const d of declared) {
      await reset(d);
      const { set, projection } = d;
      // An earlier delivery got the first 30 in.
      expect(await set.runner.applyLiveBatch(projection, batch.slice(0, 30))).toBe(30);
      const committed = await checksums();
      // The whole batch comes again and fails half-way through writing its rows: nothing of it stays.
      const failing: StreamProjection<unknown> = {
        ...projection,
        write: async (manager, changes) => {
          await projection.write(manager, changes.slice(0, Math.ceil(changes.length / 2)));
          throw new Error('connection lost half-way through the batch');
        },
      };
      await expect(set.runner.applyLiveBatch(failing, batch)).rejects.toThrow('half-way');
      expect(await checksums()).toEqual(committed);
      // Delivered once more, with a duplicate inside: only the 50 not applied before are applied.
      expect(await set.runner.applyLiveBatch(projection, [...batch, ...batch.slice(40, 50)])).toBe(50);
      // The rest of the history brings the rows to exactly what one clean pass gives.
      let rest = 0;
      for (let i = 80; i < events.length; i += 300) rest += await set.runner.applyLiveBatch(projection, events.slice(i, i + 300));
      expect(rest).toBe(events.length - 80);
    }
    expect(await checksums()).toEqual(expected);
  }, 240_000);
});
