import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { TokenService, type AuthUser } from '@complaints/auth';
import { PostgresEventStore } from '@complaints/event-store';
import { AdjustableClock, composeRootModule, createHttpApp, loadConfig, startConsumers } from '@complaints/service-kit';
import { createTestDatabase, eventually, type TestDatabase } from '@complaints/testing';
import { ReportingModule } from '../reporting.module';
import { ComplaintStory, appendStories, cst } from '../testing/complaint-story';
import { RecordsDeskService } from './desk.service';
import { tableChecksum } from '../testing/reporting-harness';
import { DESK_PROJECTIONS } from './desk.projections';
import { ProjectionRunner } from '@complaints/read-model';

/**
 * The records desk over HTTP (issue 15 items 3–5) on a real PostgreSQL: the case library, the
 * monthly disclosure with its approval, and the weekly check with its chasing. The clock stands
 * at Tuesday 8 April 2025 10:00 in Shanghai: March is over, week 2025-W14 (31 Mar – 6 Apr) is past due.
 */
const SITE = 'site-desk';
const LIFT = new ComplaintStory()
  .register(cst('2025-03-03 10:00'), {
    number: 'DK-250303-001',
    siteId: SITE,
    title: '张女士反映电梯困人',
    description: '3号楼电梯停在8楼与9楼之间',
    location: '3号楼电梯',
    complainant: { name: '张女士', phone: '13912345678', building: '3', unit: '1201', anonymous: false },
  })
  .triage(cst('2025-03-03 10:10'), { category: 'facilities', urgency: 'urgent' })
  .firstReply(cst('2025-03-03 10:30'))
  .resolve(cst('2025-03-03 15:00'))
  .callback(cst('2025-03-04 10:00'), 1);
const HOME = new ComplaintStory()
  .register(cst('2025-03-05 09:00'), { number: 'DK-250305-002', siteId: SITE, title: '室内墙面渗水', description: '卧室墙面渗水', location: '1201室内' })
  .triage(cst('2025-03-05 09:30'), { category: 'repairs' });
const LOBBY = new ComplaintStory().register(cst('2025-03-20 09:00'), { number: 'DK-250320-003', siteId: SITE, title: '大堂地面湿滑', description: '雨天大堂地面湿滑', location: '大堂' });

const user = (id: string, role: string, siteIds: string[]): AuthUser => ({ id, username: id, name: id, role, siteIds, departments: [] });
const USERS = {
  manager: user('u-manager', 'cs_manager', [SITE]),
  supervisor: user('u-supervisor', 'cs_supervisor', [SITE]),
  assistant: user('u-assistant', 'cs_assistant', [SITE]),
  otherSite: user('u-other', 'cs_manager', ['site-x']),
};
type Who = keyof typeof USERS;

describe('Records desk over HTTP: case library, public disclosure, weekly check', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let pool: Pool;
  let store: PostgresEventStore;
  let desk: RecordsDeskService;
  const tokens = {} as Record<Who, string>;

  const call = async <T = Record<string, unknown>>(method: string, path: string, who: Who, body?: unknown): Promise<{ status: number; body: T; raw: Response }> => {
    const res = await fetch(`${base}/api${path}`, { method, headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
    return { status: res.status, body: text as T, raw: res };
  };

  beforeAll(async () => {
    RecordsDeskService.schedulerIntervalMs = 0;
    db = await createTestDatabase('records_desk_http');
    const secret = 'records-desk-test-secret-of-32-characters!';
    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error', JWT_SECRET: secret, PERSONAL_DATA_KEY: 'records-desk-test-personal-data-key-01234' }, { processName: 'embedded', port: 3000, bus: 'memory', relayEnabled: true, host: '127.0.0.1' });
    const issuer = new TokenService({ secret, issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: 900 });
    for (const who of Object.keys(USERS) as Who[]) tokens[who] = await issuer.issue(USERS[who]);
    const clock = new AdjustableClock();
    clock.set(new Date(cst('2025-04-08 10:00')));
    app = await createHttpApp(composeRootModule(config, [ReportingModule], { clock }), config, 'records desk test', { shutdownHooks: false });
    await startConsumers(app);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    desk = app.get(RecordsDeskService);
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    store = new PostgresEventStore({ pool });
    await store.migrate();
    await appendStories(store, [LIFT, HOME]);
    await eventually(async () => {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM reporting.complaint_view WHERE site_id = $1 AND (status = 'closed' OR number = 'DK-250305-002')`, [SITE]);
      return rows[0].n === 2 ? true : undefined;
    }, 'the two complaints in the complaint view');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await db?.drop();
  });

  describe('Case library (案例库)', () => {
    const text = { summary: '3号楼电梯停在两层之间，住户被困20分钟', cause: '维保单位未按期更换控制板', lessons: '维保合同加入关键部件更换期限' };

    it('refuses bad input naming the field, the wrong role, an open complaint and personal data', async () => {
      expect((await call('POST', '/case-library', 'manager', { ...text, complaintId: 'nope' })).body).toMatchObject({ statusCode: 400, details: [{ field: 'complaintId' }] });
      expect((await call('POST', '/case-library', 'assistant', { ...text, complaintId: LIFT.id })).status).toBe(403);
      expect((await call('POST', '/case-library', 'otherSite', { ...text, complaintId: LIFT.id })).status).toBe(403);
      expect((await call('POST', '/case-library', 'manager', { ...text, complaintId: HOME.id })).status).toBe(409);
      const named = await call('POST', '/case-library', 'manager', { ...text, summary: '张女士被困电梯', complaintId: LIFT.id });
      expect(named.body).toMatchObject({ statusCode: 422, details: [{ field: 'summary' }] });
      const phoned = await call('POST', '/case-library', 'manager', { ...text, lessons: '已回电139 1234 5678', complaintId: LIFT.id });
      expect(phoned.body).toMatchObject({ statusCode: 422, details: [{ field: 'lessons' }] });
      expect((await call('GET', '/case-library', 'assistant')).body).toEqual({ items: [], total: 0 });
    });

    it('marks, finds group-wide by category and keyword, edits and unmarks', async () => {
      expect((await call('POST', '/case-library', 'manager', { ...text, complaintId: LIFT.id })).status).toBe(202);
      // Visible to every staff member of the group, other sites included.
      const found = await call<{ items: { number: string; summary: string }[]; total: number }>('GET', '/case-library?category=facilities&q=电梯%20控制板', 'otherSite');
      expect(found.body).toMatchObject({ total: 1, items: [{ number: 'DK-250303-001', title: '＊＊反映电梯困人', summary: text.summary }] });
      expect(JSON.stringify(found.body)).not.toMatch(/张女士|13912345678/);
      expect((await call('GET', '/case-library?category=cleaning', 'assistant')).body).toMatchObject({ total: 0 });
      expect((await call('GET', '/case-library?q=100%25', 'assistant')).body).toMatchObject({ total: 0 });
      expect((await call('POST', '/case-library', 'manager', { ...text, complaintId: LIFT.id })).status).toBe(409);
      expect((await call('PATCH', `/case-library/${LIFT.id}`, 'manager', { lessons: '关键部件到期前一个月更换' })).status).toBe(202);
      expect((await call('GET', `/case-library/${LIFT.id}`, 'assistant')).body).toMatchObject({ lessons: '关键部件到期前一个月更换', cause: text.cause });
      const noReason = await call<{ statusCode: number; details: { field: string }[] }>('POST', `/case-library/${LIFT.id}/unmark`, 'manager', {});
      expect([noReason.body.statusCode, [...new Set(noReason.body.details.map((d) => d.field))]]).toEqual([400, ['reason']]);
      expect((await call('POST', `/case-library/${LIFT.id}/unmark`, 'manager', { reason: '不再典型' })).status).toBe(202);
      expect((await call('GET', '/case-library', 'assistant')).body).toMatchObject({ total: 0 });
      expect((await call('GET', `/case-library/${LIFT.id}`, 'assistant')).status).toBe(404);
    });
  });

  describe('Public disclosure (公示)', () => {
    type Notice = { items: { number: string; title: string }[]; contentHash: string; status: string; approval: { approvals: number } | null };

    it('lists the month’s common-area complaints anonymised; the CS manager approves the hash reviewed', async () => {
      expect((await call('GET', `/disclosures/${SITE}/2025-3`, 'assistant')).body).toMatchObject({ statusCode: 400, details: [{ field: 'month' }] });
      expect((await call('GET', `/disclosures/${SITE}/2025-03`, 'otherSite')).status).toBe(403);
      const draft = await call<Notice>('GET', `/disclosures/${SITE}/2025-03`, 'assistant');
      expect(draft.body.items.map((i) => [i.number, i.title])).toEqual([['DK-250303-001', '＊＊反映电梯困人']]);
      expect(JSON.stringify(draft.body)).not.toMatch(/张女士|13912345678|1201/);
      expect(draft.body).toMatchObject({ status: 'draft', approval: null });
      const pdf = await call('GET', `/disclosures/${SITE}/2025-03/pdf`, 'assistant');
      expect(pdf.raw.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await pdf.raw.arrayBuffer()).subarray(0, 4).toString()).toBe('%PDF');

      expect((await call('POST', `/disclosures/${SITE}/2025-03/approval`, 'supervisor', { contentHash: draft.body.contentHash })).status).toBe(403);
      expect((await call('POST', `/disclosures/${SITE}/2025-03/approval`, 'manager', { contentHash: 'f'.repeat(64) })).body).toMatchObject({ statusCode: 409, details: [{ field: 'contentHash' }] });
      expect((await call('POST', `/disclosures/${SITE}/2025-03/approval`, 'manager', { contentHash: 'xyz' })).body).toMatchObject({ statusCode: 400, details: [{ field: 'contentHash' }] });
      expect((await call('POST', `/disclosures/${SITE}/2025-04/approval`, 'manager', { contentHash: (await call<Notice>('GET', `/disclosures/${SITE}/2025-04`, 'manager')).body.contentHash })).status).toBe(409);
      expect((await call('POST', `/disclosures/${SITE}/2025-03/approval`, 'manager', { contentHash: draft.body.contentHash })).status).toBe(202);
      expect((await call('POST', `/disclosures/${SITE}/2025-03/approval`, 'manager', { contentHash: draft.body.contentHash })).status).toBe(202);
      expect((await call<Notice>('GET', `/disclosures/${SITE}/2025-03`, 'assistant')).body).toMatchObject({ status: 'published', approval: { approvals: 1 } });
      const approvals = await store.readStream(`disclosure-${SITE}-2025-03`);
      expect(approvals.map((e) => [e.type, e.data.contentHash])).toEqual([['DisclosureApproved', draft.body.contentHash]]);
    });

    it('shows a change after approval: a late-registered lobby complaint unpublishes the notice until approved again', async () => {
      await appendStories(store, [LOBBY]);
      await eventually(async () => ((await call<Notice>('GET', `/disclosures/${SITE}/2025-03`, 'assistant')).body.status === 'changed_since_approval' ? true : undefined), 'the notice changed');
      const changed = await call<Notice>('GET', `/disclosures/${SITE}/2025-03`, 'manager');
      expect(changed.body.items.map((i) => i.number)).toEqual(['DK-250303-001', 'DK-250320-003']);
      expect((await call('POST', `/disclosures/${SITE}/2025-03/approval`, 'manager', { contentHash: changed.body.contentHash })).status).toBe(202);
      expect((await call<Notice>('GET', `/disclosures/${SITE}/2025-03`, 'assistant')).body).toMatchObject({ status: 'published', approval: { approvals: 2 } });
    });
  });

  describe('Weekly supervisor check (每周检查)', () => {
    type Check = { week: string; status: string; chaseLevel: number | null; agenda: { number: string; reasons: string[]; finding: unknown }[] };

    it('lists the weeks, chases the overdue ones once per step, and takes findings until completed', async () => {
      const weeks = await call<Check[]>('GET', `/weekly-checks/${SITE}?weeks=2`, 'supervisor');
      expect(weeks.body.map((w) => [w.week, w.status])).toEqual([
        ['2025-W15', 'in_progress'],
        ['2025-W14', 'overdue'],
      ]);
      expect(await desk.runScheduler()).toBeGreaterThanOrEqual(1);
      expect(await desk.runScheduler()).toBe(0);
      const w14 = await call<Check>('GET', `/weekly-checks/${SITE}/2025-W14`, 'supervisor');
      expect(w14.body).toMatchObject({ week: '2025-W14', chaseLevel: 0 });
      expect(w14.body.agenda.map((a) => [a.number, a.reasons])).toEqual([
        ['DK-250305-002', ['open_handling']],
        ['DK-250320-003', ['open_handling']],
      ]);
      expect((await call('GET', `/weekly-checks/${SITE}/2025-14`, 'supervisor')).body).toMatchObject({ statusCode: 400, details: [{ field: 'week' }] });
      const incomplete = await call<{ message: string }>('POST', `/weekly-checks/${SITE}/2025-W14/completion`, 'supervisor', {});
      expect(incomplete.status).toBe(409);
      expect(incomplete.body.message).toContain('DK-250305-002');
      expect((await call('POST', `/weekly-checks/${SITE}/2025-W14/findings`, 'assistant', { complaintId: HOME.id, outcome: 'ok' })).status).toBe(403);
      expect((await call('POST', `/weekly-checks/${SITE}/2025-W14/findings`, 'supervisor', { complaintId: HOME.id, outcome: 'issue' })).body).toMatchObject({ statusCode: 422, details: [{ field: 'note' }] });
      expect((await call('POST', `/weekly-checks/${SITE}/2025-W14/findings`, 'supervisor', { complaintId: HOME.id, outcome: 'maybe' })).body).toMatchObject({ statusCode: 400, details: [{ field: 'outcome' }] });
      expect((await call('POST', `/weekly-checks/${SITE}/2025-W14/findings`, 'supervisor', { complaintId: HOME.id, outcome: 'issue', note: '超过一个月未处理' })).status).toBe(202);
      expect((await call('POST', `/weekly-checks/${SITE}/2025-W14/findings`, 'supervisor', { complaintId: LOBBY.id, outcome: 'ok' })).status).toBe(202);
      expect((await call('POST', `/weekly-checks/${SITE}/2025-W14/completion`, 'supervisor', { note: '本周检查完毕' })).status).toBe(202);
      const done = await call<Check & { issues: number }>('GET', `/weekly-checks/${SITE}/2025-W14`, 'manager');
      expect(done.body).toMatchObject({ status: 'completed', issues: 1 });
      expect((await call('POST', `/weekly-checks/${SITE}/2025-W14/findings`, 'supervisor', { complaintId: HOME.id, outcome: 'ok' })).status).toBe(409);
      expect((await call('POST', `/weekly-checks/${SITE}/2025-W16/findings`, 'supervisor', { complaintId: HOME.id, outcome: 'ok' })).status).toBe(409);
    });
  });

  it('redelivery changes nothing, and a rebuild of each desk projection equals the live rows', async () => {
    const tables = ['reporting.typical_case', 'reporting.disclosure_approval', 'reporting.weekly_check'];
    const before = await Promise.all(tables.map((t) => tableChecksum(desk.dataSource, t, 'stream_id')));
    await desk.refresh(`record-check-${SITE}-2025-W14`);
    await desk.refresh(`disclosure-${SITE}-2025-03`);
    expect(await Promise.all(tables.map((t) => tableChecksum(desk.dataSource, t, 'stream_id')))).toEqual(before);
    // The store hands readers only what every earlier transaction has settled: wait until the last check events are readable in order.
    await eventually(async () => ((await store.readAll({ maxCount: 100, streamPrefix: 'record-check-' })).length >= 7 ? true : undefined), 'the weekly-check events readable in global order');
    for (const projection of DESK_PROJECTIONS) {
      const runner = new ProjectionRunner(desk.dataSource, 'reporting', {
        readAll: (after, maxCount) => store.readAll({ after, maxCount, streamPrefix: projection.streamPrefix }),
        readStream: async () => [],
        toProjected: (e) => ({ id: e.id, streamId: e.streamId, key: e.streamId, revision: Number(e.revision), position: e.position.toString(), type: e.type, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt.toISOString() }),
      });
      await runner.rebuild(projection);
    }
    expect(await Promise.all(tables.map((t) => tableChecksum(desk.dataSource, t, 'stream_id')))).toEqual(before);
    expect(before.map((b) => b.rows)).toEqual([1, 1, 4]);
  });
});
