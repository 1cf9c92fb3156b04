import { Pool } from 'pg';
import { PostgresEventStore } from '@complaints/event-store';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import type { StreamProjection } from '@complaints/read-model';
import type { PlatformConfig } from '@complaints/service-kit';
import { ComplaintPersonalData, ServiceProjections, SiteDirectory, openServiceDataSource, projectedFromRecorded } from '@complaints/service-common';
import { TRIAGE_MIGRATIONS, triageProjections } from '@complaints/triage-service';
import { HANDLING_MIGRATIONS, handlingProjections } from '@complaints/handling-service';
import { CALLBACK_MIGRATIONS, callbackProjections } from '@complaints/callback-service';
import { INTAKE_MIGRATIONS, intakeProjections } from '@complaints/intake-service';
import { generateStories, commandsInTimeOrder } from '../testing/story-generator';
import { appendCommand } from '../testing/complaint-story';

/**
 * The writing services' tables used to be created by DDL strings run at start-up; they now come
 * from each service's TypeORM migrations. A database an earlier version created must upgrade in
 * place: below is that version's DDL, word for word, with a row in each table.
 */
const EARLIER_STARTUP_DDL = `
CREATE SCHEMA IF NOT EXISTS triage; CREATE SCHEMA IF NOT EXISTS handling; CREATE SCHEMA IF NOT EXISTS callback; CREATE SCHEMA IF NOT EXISTS intake;
${['triage', 'handling', 'callback', 'intake']
  .map(
    (s) => `CREATE TABLE IF NOT EXISTS ${s}.processed_events (consumer text NOT NULL, event_id uuid NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer, event_id));`,
  )
  .join('\n')}
${[
  ['triage', 'inbox'],
  ['handling', 'cases'],
  ['callback', 'cases'],
]
  .map(
    ([s, t]) => `CREATE TABLE IF NOT EXISTS ${s}.${t} (complaint_id uuid PRIMARY KEY, site_id text NOT NULL, number text NOT NULL, registered_at timestamptz NOT NULL,
      last_event text NOT NULL, events_seen integer NOT NULL DEFAULT 1, updated_at timestamptz NOT NULL DEFAULT now());`,
  )
  .join('\n')}
CREATE TABLE IF NOT EXISTS handling.deadline_timers (complaint_id uuid PRIMARY KEY, site_id text NOT NULL, next_check_at timestamptz, version integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS deadline_timers_due ON handling.deadline_timers (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS handling.notifications (event_id uuid PRIMARY KEY, kind text NOT NULL, complaint_id uuid NOT NULL, to_role text NOT NULL, channel text NOT NULL, payload jsonb NOT NULL, delivered_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS notifications_complaint ON handling.notifications (complaint_id);
CREATE TABLE IF NOT EXISTS callback.tasks (complaint_id uuid PRIMARY KEY, site_id text NOT NULL, number text NOT NULL, status text NOT NULL, opened_at timestamptz NOT NULL, due_at timestamptz,
  attempts integer NOT NULL DEFAULT 0, round integer NOT NULL DEFAULT 1, satisfaction integer, closed_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS callback_tasks_open ON callback.tasks (site_id, due_at) WHERE status = 'open';
CREATE TABLE IF NOT EXISTS intake.contact_index (complaint_id uuid PRIMARY KEY, site_id text NOT NULL, phone_digest text NOT NULL, category text NOT NULL, received_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS contact_index_lookup ON intake.contact_index (site_id, phone_digest, category, received_at DESC);`;

describe('Service schemas from migrations', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('schema_upgrade');
    pool = new Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined);
    store = new PostgresEventStore({ pool });
    await store.migrate();
    for (const { story, command } of commandsInTimeOrder(generateStories({ count: 6, seed: 3, sites: ['site-a'] }))) await appendCommand(store, story.id, command);
    // $all shows the tail only once every older transaction in the cluster has ended: wait for it (the rebuilds below read $all).
    const [{ n }] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_store.events`)).rows;
    for (let tries = 0; (await store.readAll({ maxCount: 10_000 })).length < n; tries++) {
      if (tries > 2_400) throw new Error('the appended events never became visible in $all');
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 180_000);

  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await db?.drop();
  });

  it('given the tables and rows the start-up DDL of an earlier version created, when each service’s migrations run (twice), then they upgrade in place and the projections bring the old rows up to date', async () => {
    await pool.query(EARLIER_STARTUP_DDL);
    const streams = (await pool.query<{ stream_id: string; n: number }>(`SELECT stream_id, count(*)::int AS n FROM event_store.events WHERE stream_id LIKE 'complaint-%' GROUP BY stream_id ORDER BY stream_id`)).rows;
    const first = streams[0].stream_id.slice('complaint-'.length);
    // What the old consumers left: a record that saw only the registration, and a timer at the complaint's version.
    await pool.query(`INSERT INTO triage.inbox (complaint_id, site_id, number, registered_at, last_event) VALUES ($1, 'site-a', 'OLD-1', now(), 'ComplaintRegistered')`, [first]);
    await pool.query(`INSERT INTO handling.deadline_timers (complaint_id, site_id, next_check_at, version) VALUES ($1, 'site-a', now(), 3)`, [first]);

    const sites = SiteDirectory.from({});
    const personalData = new ComplaintPersonalData(pool, { personalDataKey: 'upgrade-tests-only-personal-data-key-0123' } as PlatformConfig);
    const services: [string, typeof TRIAGE_MIGRATIONS, StreamProjection<unknown>[]][] = [
      ['triage', TRIAGE_MIGRATIONS, triageProjections()],
      ['handling', HANDLING_MIGRATIONS, handlingProjections(sites)],
      ['callback', CALLBACK_MIGRATIONS, callbackProjections()],
      ['intake', INTAKE_MIGRATIONS, intakeProjections(sites, personalData)],
    ];
    for (const round of [1, 2]) {
      for (const [schema, migrations] of services) {
        const dataSource = await openServiceDataSource(db.url, { schema, migrations, poolSize: 1 });
        await dataSource.destroy();
      }
      // Each migration ran once, however often the services start.
      for (const [schema, migrations] of services) {
        const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.${schema}_migrations`);
        expect({ round, schema, migrations: rows[0].n }).toEqual({ round, schema, migrations: migrations.length });
      }
    }
    // The old rows are still there, now marked as holding nothing folded yet.
    expect((await pool.query(`SELECT events_seen, version, state FROM triage.inbox WHERE complaint_id = $1`, [first])).rows).toEqual([{ events_seen: 1, version: 0, state: null }]);
    expect((await pool.query(`SELECT version FROM handling.deadline_timers WHERE complaint_id = $1`, [first])).rows).toEqual([{ version: 0 }]);
    for (const table of ['handling.deadline_snoozes', 'intake.contact_index_state', 'triage.projection_checkpoints', 'callback.projection_checkpoints']) {
      await expect(pool.query(`SELECT count(*) FROM ${table}`)).resolves.toBeDefined();
    }

    // The complaint's last event arrives live: the old row is healed from the event store.
    const history = (await store.readStream(`complaint-${first}`)).map(projectedFromRecorded).filter((e) => e !== undefined);
    for (const [schema, migrations, projections] of services) {
      const dataSource = await openServiceDataSource(db.url, { schema, migrations, poolSize: 2 });
      try {
        const set = new ServiceProjections(dataSource, schema, store, projections);
        await set.applyLive([history[history.length - 1]]);
        if (schema === 'triage') {
          const [row] = (await pool.query(`SELECT events_seen, version, last_event, number FROM triage.inbox WHERE complaint_id = $1`, [first])).rows;
          expect(row).toEqual({ events_seen: history.length, version: history.length, last_event: history[history.length - 1].type, number: history[0].data.number });
        }
        if (schema === 'handling') {
          expect((await pool.query(`SELECT version FROM handling.deadline_timers WHERE complaint_id = $1`, [first])).rows).toEqual([{ version: history.length }]);
        }
        // And a rebuild gives every complaint its rows.
        for (const name of set.names()) await set.rebuild(name);
      } finally {
        await dataSource.destroy();
      }
    }
    const count = async (table: string) => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    for (const table of ['triage.inbox', 'handling.cases', 'handling.deadline_timers', 'callback.cases', 'intake.contact_index']) expect({ table, rows: await count(table) }).toEqual({ table, rows: streams.length });
    expect(await count(`triage.inbox WHERE events_seen <> version OR state IS NULL`)).toBe(0);
  }, 120_000);
});
