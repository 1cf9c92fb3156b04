import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { TokenService, type AuthUser } from '@complaints/auth';
import { PostgresEventStore } from '@complaints/event-store';
import { AdjustableClock, composeRootModule, createHttpApp, loadConfig, startConsumers, type PlatformConfig } from '@complaints/service-kit';
import { createTestDatabase, eventually, type TestDatabase } from '@complaints/testing';
import { ReportingModule } from '../reporting.module';
import { ComplaintStory, appendStories, cst } from '../testing/complaint-story';
import { ChangeFeed, notifyPayloads, type ComplaintChange } from './change-feed';

/**
 * Two replicas of reporting against one database: only the first applies the events (its
 * consumer runs; the second's does not), yet a client connected to the second hears of the
 * changes — the applying replica announces them with PostgreSQL NOTIFY and every replica
 * LISTENs. Scoping holds on every replica: site-b never hears of site-a.
 */
const A = 'site-a';
const B = 'site-b';
const STORY_A = new ComplaintStory()
  .register(cst('2025-03-03 10:00'), { number: 'A-250303-001', siteId: A, title: '电梯困人', description: '3号楼电梯停在8楼与9楼之间' })
  .triage(cst('2025-03-03 10:10'), { category: 'facilities', department: 'engineering', urgency: 'urgent' });
const STORY_B = new ComplaintStory().register(cst('2025-03-03 12:00'), { number: 'B-250303-001', siteId: B, title: '楼道灯不亮', description: '12楼楼道灯坏了一周' });

const user = (id: string, role: string, siteIds: string[]): AuthUser => ({ id, username: id, role, siteIds, departments: [] });

type Change = { complaintId: string; version: number; siteId: string };

/** The `change` frames of an open stream, as they arrive. */
const openStream = async (url: string, token: string) => {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const changes: Change[] = [];
  let ready = false;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'ready') ready = true;
          if (event === 'change' && data) changes.push(JSON.parse(data) as Change);
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return { status: res.status, changes, isReady: () => ready, close: () => controller.abort() };
};

describe('Live stream across replicas of reporting (PostgreSQL LISTEN/NOTIFY)', () => {
  let db: TestDatabase;
  let config: PlatformConfig;
  const apps: INestApplication[] = [];
  let pool: Pool;
  let store: PostgresEventStore;
  const tokens: Record<string, string> = {};

  const start = async (consume: boolean): Promise<{ app: INestApplication; base: string }> => {
    const clock = new AdjustableClock();
    clock.set(new Date(cst('2025-03-05 10:00')));
    const app = await createHttpApp(composeRootModule(config, [ReportingModule], { clock }), config, `replica ${apps.length + 1}`, { shutdownHooks: false });
    apps.push(app);
    if (consume) await startConsumers(app);
    await app.listen(0, '127.0.0.1');
    return { app, base: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
  };

  beforeAll(async () => {
    db = await createTestDatabase('reporting_replicas');
    const secret = 'reporting-replicas-test-secret-of-32-chars';
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error', JWT_SECRET: secret, PERSONAL_DATA_KEY: 'reporting-replicas-test-personal-data-key-01' }, { processName: 'embedded', port: 3000, bus: 'memory', relayEnabled: true, host: '127.0.0.1' });
    const issuer = new TokenService({ secret, issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: 900 });
    tokens.managerA = await issuer.issue(user('manager.a', 'cs_manager', [A]));
    tokens.managerB = await issuer.issue(user('manager.b', 'cs_manager', [B]));
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    store = new PostgresEventStore({ pool });
    await store.migrate();
  }, 90_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await pool?.end();
    await db?.drop();
  });

  it('given two replicas, only the first applying events, when complaints are stored, then a client of the second hears of them, in scope', async () => {
    const first = await start(true);
    const second = await start(false);
    for (const app of [first.app, second.app]) await eventually(async () => (app.get(ChangeFeed).hearsReplicas ? true : undefined), 'each replica LISTENs');
    const onSecondA = await openStream(`${second.base}/api/events/stream`, tokens.managerA);
    const onSecondB = await openStream(`${second.base}/api/events/stream`, tokens.managerB);
    const onFirstA = await openStream(`${first.base}/api/events/stream`, tokens.managerA);
    expect([onSecondA.status, onSecondB.status, onFirstA.status]).toEqual([200, 200, 200]);
    await eventually(async () => (onSecondA.isReady() && onSecondB.isReady() && onFirstA.isReady() ? true : undefined), 'streams open');

    await appendStories(store, [STORY_A, STORY_B]);
    const heard = (changes: Change[], story: ComplaintStory) => changes.some((c) => c.complaintId === story.id && c.version === story.events.length);
    // The second replica applied nothing (its consumer does not run), yet its client hears of both complaints of its sites.
    await eventually(async () => (heard(onSecondA.changes, STORY_A) && heard(onSecondB.changes, STORY_B) ? true : undefined), 'the second replica tells what the first applied');
    await eventually(async () => (heard(onFirstA.changes, STORY_A) ? true : undefined), 'the first replica tells its own clients too');
    expect(onSecondB.changes.every((c) => c.siteId === B)).toBe(true);
    expect(onSecondA.changes.every((c) => c.siteId === A)).toBe(true);
    // Once each, not once per replica: the applying replica no longer tells its own streams directly as well.
    expect(onFirstA.changes.filter((c) => c.complaintId === STORY_A.id && c.version === STORY_A.events.length)).toHaveLength(1);
    // The second replica's view is the shared read model: it can fetch what it announced.
    const view = (await (await fetch(`${second.base}/api/complaints/${STORY_A.id}`, { headers: { authorization: `Bearer ${tokens.managerA}` } })).json()) as { version: number };
    expect(view.version).toBe(STORY_A.events.length);
    for (const s of [onSecondA, onSecondB, onFirstA]) s.close();
  }, 90_000);

  it('given a batch too large for one NOTIFY, then it is split into payloads under the limit that together hold every change', () => {
    const many: ComplaintChange[] = Array.from({ length: 300 }, (_, i) => ({
      position: String(1000 + i),
      complaintId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      version: 3,
      changes: ['ComplaintRegistered', 'ComplaintTriaged'],
      siteId: A,
      department: 'engineering',
    }));
    const payloads = notifyPayloads(many);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    expect(payloads.flatMap((p) => JSON.parse(p) as ComplaintChange[])).toEqual(many);
  });
});
