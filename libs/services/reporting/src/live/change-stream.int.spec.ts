import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { TokenService, type AuthUser } from '@complaints/auth';
import { PostgresEventStore } from '@complaints/event-store';
import { AdjustableClock, composeRootModule, createHttpApp, loadConfig, startConsumers, type PlatformConfig } from '@complaints/service-kit';
import { createTestDatabase, eventually, type TestDatabase } from '@complaints/testing';
import { ReportingModule } from '../reporting.module';
import { ComplaintStory, appendStories, cst } from '../testing/complaint-story';

/**
 * The live stream (GET /api/events/stream) over HTTP, fed as the embedded default feeds
 * reporting: events appended to the PostgreSQL event store, the embedded bus delivering
 * them, the reporting consumer applying them and then announcing them. Rule: a user hears
 * only of the complaints they may read — their sites, and for department staff their
 * departments — and a client that comes back with Last-Event-ID (also to a restarted
 * server) gets the changes it missed.
 */
const A = 'site-a';
const B = 'site-b';
const ENGINEERING_A = new ComplaintStory()
  .register(cst('2025-03-03 10:00'), { number: 'A-250303-001', siteId: A, title: '电梯困人', description: '3号楼电梯停在8楼与9楼之间' })
  .triage(cst('2025-03-03 10:10'), { category: 'facilities', department: 'engineering', urgency: 'urgent' });
const CLEANING_A = new ComplaintStory()
  .register(cst('2025-03-03 11:00'), { number: 'A-250303-002', siteId: A, title: '垃圾没人清理', description: '垃圾桶满了两天' })
  .triage(cst('2025-03-03 11:30'), { category: 'cleaning', department: 'cleaning' });
const ENGINEERING_B = new ComplaintStory()
  .register(cst('2025-03-03 12:00'), { number: 'B-250303-001', siteId: B, title: '楼道灯不亮', description: '12楼楼道灯坏了一周' })
  .triage(cst('2025-03-03 12:30'), { category: 'facilities', department: 'engineering' });
const LATE_A = new ComplaintStory().register(cst('2025-03-04 09:00'), { number: 'A-250304-003', siteId: A, title: '噪音扰民', description: '夜间施工' });

const user = (id: string, role: string, siteIds: string[], departments: string[] = []): AuthUser => ({ id, username: id, role, siteIds, departments });
const USERS = {
  managerA: user('manager.a', 'cs_manager', [A]),
  managerB: user('manager.b', 'cs_manager', [B]),
  engineeringA: user('enghead.a', 'department_head', [A], ['engineering']),
  leader: user('leader', 'leadership', ['*']),
};
type Who = keyof typeof USERS;

type Frame = { id?: string; event: string; data: Record<string, unknown> };

/** An open stream: the frames received so far; `ended` resolves when the server closes it. */
class StreamClient {
  readonly frames: Frame[] = [];
  readonly controller = new AbortController();
  ended!: Promise<void>;
  status = 0;

  static async open(url: string, token: string, lastEventId?: string): Promise<StreamClient> {
    const client = new StreamClient();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: client.controller.signal });
    client.status = res.status;
    if (!res.ok || !res.body) {
      client.ended = Promise.resolve();
      return client;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    client.ended = (async () => {
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
            const fields = Object.fromEntries(block.split('\n').filter((l) => l && !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
            if (fields.event) client.frames.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data ?? '{}') as Record<string, unknown> });
          }
        }
      } catch {
        /* aborted */
      }
    })();
    return client;
  }

  changes(): { id: string; complaintId: string; version: number; changes: string[]; siteId: string }[] {
    return this.frames.filter((f) => f.event === 'change').map((f) => ({ id: f.id ?? '', ...(f.data as { complaintId: string; version: number; changes: string[]; siteId: string }) }));
  }

  /** The highest version announced per complaint. */
  versions(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.changes()) out[c.complaintId] = Math.max(out[c.complaintId] ?? 0, c.version);
    return out;
  }

  close(): void {
    this.controller.abort();
  }
}

describe('Live stream of read-model changes (GET /api/events/stream)', () => {
  let db: TestDatabase;
  let config: PlatformConfig;
  let app: INestApplication | undefined;
  let base: string;
  let pool: Pool;
  let store: PostgresEventStore;
  const tokens = {} as Record<Who, string>;
  const clients: StreamClient[] = [];
  const open = async (who: Who, lastEventId?: string) => {
    const client = await StreamClient.open(`${base}/api/events/stream`, tokens[who], lastEventId);
    clients.push(client);
    return client;
  };

  const start = async () => {
    const clock = new AdjustableClock();
    clock.set(new Date(cst('2025-03-05 10:00')));
    app = await createHttpApp(composeRootModule(config, [ReportingModule], { clock }), config, 'live stream test', { shutdownHooks: false });
    await startConsumers(app);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  };

  beforeAll(async () => {
    db = await createTestDatabase('reporting_live');
    const secret = 'reporting-live-test-secret-of-32-characters';
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error', JWT_SECRET: secret, PERSONAL_DATA_KEY: 'reporting-live-test-personal-data-key-0123' }, { processName: 'embedded', port: 3000, bus: 'memory', relayEnabled: true, host: '127.0.0.1' });
    const issuer = new TokenService({ secret, issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: 900 });
    for (const who of Object.keys(USERS) as Who[]) tokens[who] = await issuer.issue(USERS[who]);
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    store = new PostgresEventStore({ pool });
    await store.migrate();
    await start();
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await app?.close();
    await pool?.end();
    await db?.drop();
  });

  it('should refuse a stream without a token, and a Last-Event-ID that is no event id with a 400 naming it', async () => {
    expect((await fetch(`${base}/api/events/stream`)).status).toBe(401);
    const bad = await fetch(`${base}/api/events/stream`, { headers: { authorization: `Bearer ${tokens.managerA}`, 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('Last-Event-ID');
  });

  it('should tell each user of the changes they may read only: site-b never hears of site-a, department staff only of their department', async () => {
    const managerA = await open('managerA');
    const managerB = await open('managerB');
    const engineeringA = await open('engineeringA');
    const leader = await open('leader');
    for (const c of [managerA, managerB, engineeringA, leader]) expect(c.status).toBe(200);
    await eventually(async () => (managerA.frames.some((f) => f.event === 'ready') && leader.frames.some((f) => f.event === 'ready') ? true : undefined), 'streams open');

    await appendStories(store, [ENGINEERING_A, CLEANING_A, ENGINEERING_B]);
    // Every story is registered (1 event) and triaged: its view ends at its events' count.
    const done = (c: StreamClient, stories: ComplaintStory[]) => stories.every((s) => c.versions()[s.id] === s.events.length);
    await eventually(async () => (done(leader, [ENGINEERING_A, CLEANING_A, ENGINEERING_B]) ? true : undefined), 'the whole group announced');
    await eventually(async () => (done(managerA, [ENGINEERING_A, CLEANING_A]) && done(managerB, [ENGINEERING_B]) && done(engineeringA, [ENGINEERING_A]) ? true : undefined), 'each user told of theirs');

    expect(Object.keys(managerA.versions()).sort()).toEqual([ENGINEERING_A.id, CLEANING_A.id].sort());
    expect(managerB.changes().every((c) => c.siteId === B)).toBe(true);
    expect(Object.keys(managerB.versions())).toEqual([ENGINEERING_B.id]);
    // The department head hears of the engineering complaint of site A once it is the department's, never of cleaning's or site B's.
    expect(Object.keys(engineeringA.versions())).toEqual([ENGINEERING_A.id]);
    // What changed is named by event type; nothing personal travels.
    const triaged = managerA.changes().find((c) => c.complaintId === ENGINEERING_A.id && c.version === ENGINEERING_A.events.length);
    expect(managerA.changes().filter((c) => c.complaintId === ENGINEERING_A.id).flatMap((c) => c.changes)).toEqual(expect.arrayContaining(['ComplaintRegistered', 'ComplaintTriaged']));
    const wire = JSON.stringify(leader.frames);
    for (const text of ['电梯困人', '8楼', '垃圾', '楼道灯', 'A-250303-001']) expect(wire).not.toContain(text);
    // Announced only once applied: the view has the announced version when it is fetched.
    const view = (await (await fetch(`${base}/api/complaints/${ENGINEERING_A.id}`, { headers: { authorization: `Bearer ${tokens.managerA}` } })).json()) as { version: number };
    expect(view.version).toBeGreaterThanOrEqual(triaged?.version ?? Infinity);
  }, 60_000);

  it('should replay what a client missed after its Last-Event-ID, also from a restarted server, in scope', async () => {
    // Resume from the first change manager A heard: everything of site A stored after it is owed.
    const first = clients[0].changes().reduce((a, b) => (BigInt(b.id) < BigInt(a.id) ? b : a));
    // The server stops: open streams end (the clients would reconnect).
    const before = clients.slice();
    await app?.close();
    app = undefined;
    await Promise.all(before.map((c) => c.ended));
    await appendStories(store, [LATE_A]);
    await start();

    const later = await store.readAll({ after: BigInt(first.id), maxCount: 1000, streamPrefix: 'complaint-' });
    const owedA = [ENGINEERING_A, CLEANING_A, LATE_A].filter((s) => later.some((e) => e.streamId === `complaint-${s.id}`));
    expect(owedA.map((s) => s.id)).toContain(LATE_A.id);
    const resumedA = await open('managerA', first.id);
    const resumedB = await open('managerB', first.id);
    await eventually(async () => (owedA.every((s) => resumedA.versions()[s.id] === s.events.length) ? true : undefined), 'what followed the last event id is replayed (or heard live once applied)');
    expect(resumedA.frames.find((f) => f.event === 'ready')?.data).toMatchObject({ resumed: true, complete: true });
    // Nothing at or before the last event id comes again.
    expect(resumedA.changes().every((c) => BigInt(c.id) > BigInt(first.id))).toBe(true);
    // Site B's replay holds site B only.
    await eventually(async () => (resumedB.versions()[ENGINEERING_B.id] === ENGINEERING_B.events.length ? true : undefined), 'site B resumed with its own complaint');
    expect(resumedB.changes().every((c) => c.siteId === B)).toBe(true);
    expect(resumedB.changes().map((c) => c.complaintId)).not.toContain(LATE_A.id);
  }, 60_000);
});
