import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import type { Actor } from '@complaints/domain';
import { PostgresEventStore } from '@complaints/event-store';
import { HandlingModule, NotificationsConsumer } from '@complaints/handling-service';
import type { DeliveredMessage } from '@complaints/messaging';
import { AdjustableClock, composeRootModule, createHttpApp, loadConfig, startConsumers } from '@complaints/service-kit';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, eventually, kafkaBrokers, kafkaSkipReason, type TestDatabase } from '@complaints/testing';
import { ReportingModule } from '../reporting.module';
import { ComplaintStory, appendStories, cst } from '../testing/complaint-story';
import { CallbackQuotaReminderService } from '../monthly-report/callback-quota-reminders';
import { RecordsService } from '../records/records.service';
import { RecordsDeskService } from './desk.service';

/**
 * The records desk's chases reach people through the notifier that delivers complaint chases,
 * in the embedded default (store-fed bus, real PostgreSQL): the unsigned monthly pack's chase
 * (to the signers the domain names), the overdue weekly supervisor check's chase (to the role of
 * its step) and the month-end callback-quota reminder (to the manager short of the minimum).
 * Each yields exactly one notification, keyed by its event's id; a redelivery yields none.
 * The same again on the real Kafka broker, the relay publishing (the path of the five-process form).
 * The clock stands at Tuesday 8 April 2025 10:00 in Shanghai: March's pack was due by the 3rd,
 * week 2025-W14 is past due.
 */
const SITE = 'site-notice';
const OPEN = new ComplaintStory().register(cst('2025-03-20 09:00'), { number: 'NT-250320-001', siteId: SITE, title: '大堂地面湿滑', description: '雨天大堂地面湿滑', location: '大堂' });
const MANAGER: Actor = { id: 'u-csm', role: 'cs_manager', name: '陈经理' };

type Row = { event_id: string; kind: string; complaint_id: string | null; subject: Record<string, string> | null; to_role: string; payload: Record<string, unknown> };

const brokers = kafkaBrokers();
if (!brokers) console.warn(`\n*** records notices over Kafka SKIPPED: ${kafkaSkipReason()} ***\n`);
const FORMS = [
  { form: 'the embedded default (store-fed bus)', bus: 'memory' as const, env: {} as Record<string, string>, run: true },
  { form: 'the relay and the Kafka broker (as in the five-process form)', bus: 'kafka' as const, env: { KAFKA_BROKERS: (brokers ?? []).join(','), KAFKA_TOPIC_PREFIX: `notices-${randomUUID().slice(0, 8)}` }, run: !!brokers },
];

describe.each(FORMS.filter((f) => f.run))('Records desk chases as notifications (delivered once, by the chase event’s id), in $form', ({ bus, env }) => {
  let db: TestDatabase;
  let app: INestApplication;
  let pool: Pool;
  let clock: AdjustableClock;
  let previousSites: string | undefined;

  const notices = async (kind: string): Promise<Row[]> =>
    (await pool.query<Row>(`SELECT event_id, kind, complaint_id, subject, to_role, payload FROM handling.notifications WHERE kind = $1 ORDER BY delivered_at`, [kind])).rows;
  const events = async (type: string): Promise<{ id: string; stream_id: string }[]> =>
    (await pool.query<{ id: string; stream_id: string }>(`SELECT event_id::text AS id, stream_id FROM event_store.events WHERE type = $1`, [type])).rows;
  /** The notifications delivered for `kind` once every `type` event has one (or the wait times out). */
  const delivered = async (kind: string, type: string): Promise<{ rows: Row[]; eventIds: string[] }> => {
    const eventIds = (await events(type)).map((e) => e.id).sort();
    expect(eventIds.length).toBeGreaterThan(0);
    const rows = await eventually(async () => {
      const found = await notices(kind);
      return found.length >= eventIds.length ? found : undefined;
    }, `the ${kind} notifications`);
    return { rows, eventIds };
  };
  /** Hands the consumer the same notices again, as a redelivery by the bus would. */
  const redeliver = async (rows: Row[]) => {
    const messages = rows.map((r, i) => ({ topic: 'notifications', key: r.subject?.siteId ?? '', value: JSON.stringify(r.payload), headers: {}, partition: 0, offset: String(i) }) as DeliveredMessage);
    await app.get(NotificationsConsumer).onNotifications(messages);
  };

  beforeAll(async () => {
    RecordsDeskService.schedulerIntervalMs = 0;
    // The site directory reads the environment: the site's staff (its CS centre manager) as configured.
    previousSites = process.env.SITES_JSON;
    process.env.SITES_JSON = JSON.stringify([{ id: SITE, name: '通知花园', staff: [{ id: MANAGER.id, role: 'cs_manager', name: MANAGER.name }] }]);
    db = await createTestDatabase('records_notices');
    const config = loadConfig(
      {
        DATABASE_URL: db.url,
        LOG_LEVEL: 'error',
        JWT_SECRET: 'records-notices-test-secret-of-32-characters!',
        PERSONAL_DATA_KEY: 'records-notices-test-personal-data-key-0123',
        ...env,
      },
      { processName: 'embedded', port: 3000, bus, relayEnabled: true, host: '127.0.0.1' },
    );
    clock = new AdjustableClock();
    clock.set(new Date(cst('2025-04-08 10:00')));
    app = await createHttpApp(composeRootModule(config, [HandlingModule, ReportingModule], { clock }), config, 'records notices test', { shutdownHooks: false });
    await startConsumers(app);
    await app.listen(0, '127.0.0.1');
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    const store = new PostgresEventStore({ pool });
    await store.migrate();
    await appendStories(store, [OPEN]);
    await eventually(async () => {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM reporting.complaint_view WHERE site_id = $1`, [SITE]);
      return rows[0].n === 1 ? true : undefined;
    }, 'the complaint in the complaint view');
  }, 120_000);

  afterAll(async () => {
    if (previousSites === undefined) delete process.env.SITES_JSON;
    else process.env.SITES_JSON = previousSites;
    await app?.close();
    await pool?.end();
    await db?.drop();
  });

  describe('Given March’s pack unsigned past its due day (the 3rd), when it is chased', () => {
    it('should tell the signers the domain names once, with notice.packSignOffChase, and nothing on a second chase the same day or a redelivery', async () => {
      const records = app.get(RecordsService);
      await records.generatePack(SITE, '2025-03', MANAGER);
      expect(await records.chasePack(SITE, '2025-03')).toBe(true);
      expect(await records.chasePack(SITE, '2025-03')).toBe(false);
      const { rows, eventIds } = await delivered('pack_sign_off_chase', 'MonthlyPackSignOffChased');
      expect(rows.map((r) => r.event_id).sort()).toEqual(eventIds);
      expect(eventIds).toHaveLength(1);
      const [chase] = (await pool.query<{ data: { notifyRoles: string[]; dueBy: string } }>(`SELECT data FROM event_store.events WHERE type = 'MonthlyPackSignOffChased'`)).rows;
      expect(rows[0]).toMatchObject({ complaint_id: null, subject: { siteId: SITE, month: '2025-03' }, to_role: chase.data.notifyRoles[0] });
      expect(rows[0].payload).toMatchObject({ code: 'notice.packSignOffChase', params: { siteId: SITE, month: '2025-03', dueBy: chase.data.dueBy } });
      await redeliver(rows);
      expect(await notices('pack_sign_off_chase')).toHaveLength(1);
    });
  });

  describe('Given week 2025-W14 past due and not completed, when the weekly-check scheduler runs', () => {
    it('should tell the role of each chase step once, with notice.weeklyCheckChase, and nothing on a second pass or a redelivery', async () => {
      const desk = app.get(RecordsDeskService);
      expect(await desk.runScheduler()).toBeGreaterThanOrEqual(1);
      expect(await desk.runScheduler()).toBe(0);
      const { rows, eventIds } = await delivered('weekly_check_chase', 'WeeklyCheckChased');
      expect(rows.map((r) => r.event_id).sort()).toEqual(eventIds);
      const w14 = rows.find((r) => r.subject?.week === '2025-W14');
      const [chase] = (await pool.query<{ data: { to: string; level: number } }>(`SELECT data FROM event_store.events WHERE type = 'WeeklyCheckChased' AND stream_id = $1 ORDER BY stream_revision LIMIT 1`, [`record-check-${SITE}-2025-W14`])).rows;
      expect(w14).toMatchObject({ complaint_id: null, subject: { siteId: SITE, week: '2025-W14' }, to_role: chase.data.to });
      expect(w14?.payload).toMatchObject({ code: 'notice.weeklyCheckChase', params: { siteId: SITE, week: '2025-W14', level: chase.data.level } });
      await redeliver(rows);
      expect(await notices('weekly_check_chase')).toHaveLength(rows.length);
    });
  });

  describe('Given the last days of April and a CS centre manager with no callbacks (seed minimum 3), when the month-end reminder runs', () => {
    it('should tell that person once, with notice.callbackQuota, and nothing on a later pass or a redelivery', async () => {
      const reminders = app.get(CallbackQuotaReminderService);
      const late = new Date(cst('2025-04-29 10:00'));
      const given = await reminders.remind(late);
      expect(given.map((r) => [r.actorId, r.role])).toEqual([[MANAGER.id, 'cs_manager']]);
      expect(await reminders.remind(late)).toEqual([]);
      const { rows, eventIds } = await delivered('callback_quota', 'CallbackQuotaReminded');
      expect(rows.map((r) => r.event_id).sort()).toEqual(eventIds);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ complaint_id: null, subject: { siteId: SITE, month: '2025-04' }, to_role: 'cs_manager' });
      expect(rows[0].payload).toMatchObject({
        toUser: { id: MANAGER.id, name: MANAGER.name },
        code: 'notice.callbackQuota',
        params: { siteId: SITE, month: '2025-04', callbacks: 0, required: 3, missing: 3, daysLeft: given[0].daysLeft },
      });
      await redeliver(rows);
      expect(await notices('callback_quota')).toHaveLength(1);
      // Its event is hash-chained like every stored event.
      const [stored] = (await pool.query<{ metadata: { hash?: string } }>(`SELECT metadata FROM event_store.events WHERE type = 'CallbackQuotaReminded'`)).rows;
      expect(stored.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});
