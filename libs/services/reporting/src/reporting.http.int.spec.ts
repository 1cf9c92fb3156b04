import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { Workbook } from 'exceljs';
import { TokenService, type AuthUser } from '@complaints/auth';
import { PostgresEventStore } from '@complaints/event-store';
import { AdjustableClock, composeRootModule, createHttpApp, loadConfig, startConsumers } from '@complaints/service-kit';
import { createTestDatabase, eventually, type TestDatabase } from '@complaints/testing';
import { ReportingModule } from './reporting.module';
import { ComplaintStory, appendStories, cst } from './testing/complaint-story';

/**
 * The reporting service over HTTP, fed the way the embedded default feeds it: events appended
 * to the PostgreSQL event store, the embedded bus delivering them from the store, the
 * reporting consumer applying them. The clock stands at 3 April 2025 10:00 in Shanghai.
 */
const SITE = 'site-http';
const ELEVATOR = new ComplaintStory()
  .register(cst('2025-03-03 10:00'), { number: 'HT-250303-001', siteId: SITE, title: '电梯困人', description: '3号楼电梯停在8楼与9楼之间，有人被困' })
  .triage(cst('2025-03-03 10:10'), { category: 'facilities', urgency: 'urgent' })
  .firstReply(cst('2025-03-03 10:30'))
  .resolve(cst('2025-03-03 15:00'))
  .callback(cst('2025-03-04 10:00'), 1);
const LIGHT = new ComplaintStory()
  .register(cst('2025-03-05 09:00'), { number: 'HT-250305-002', siteId: SITE, title: '楼道灯不亮', description: '12楼楼道灯坏了一周' })
  .triage(cst('2025-03-05 09:30'));
const RUBBISH = new ComplaintStory()
  .register(cst('2025-03-06 09:00'), { number: 'HT-250306-003', siteId: SITE, title: '垃圾没人清理', description: '垃圾桶满了两天' })
  .triage(cst('2025-03-06 09:30'), { category: 'cleaning', department: 'cleaning' });

const user = (role: string, siteIds: string[], departments: string[] = []): AuthUser => ({ id: `u-${role}-${siteIds.join('')}`, username: role, role, siteIds, departments });
const USERS = {
  admin: user('admin', ['*']),
  auditor: user('auditor', ['*']),
  manager: user('cs_manager', [SITE]),
  assistant: user('cs_assistant', [SITE]),
  otherSite: user('cs_manager', ['site-x']),
  handler: user('handler', [SITE], ['engineering']),
};
type Who = keyof typeof USERS;

describe('Reporting over HTTP', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let pool: Pool;
  let work: string;

  const tokens = {} as Record<Who, string>;
  const get = (path: string, who: Who = 'manager', method = 'GET') => fetch(`${base}/api${path}`, { method, headers: { authorization: `Bearer ${tokens[who]}` } });
  const json = async <T = Record<string, unknown>>(path: string, who: Who = 'manager'): Promise<{ status: number; body: T }> => {
    const res = await get(path, who);
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    db = await createTestDatabase('reporting_http');
    const secret = 'reporting-http-test-secret-of-32-characters';
    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error', JWT_SECRET: secret, PERSONAL_DATA_KEY: 'reporting-http-test-personal-data-key-0123' }, { processName: 'embedded', port: 3000, bus: 'memory', relayEnabled: true, host: '127.0.0.1' });
    const issuer = new TokenService({ secret, issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: 900 });
    for (const who of Object.keys(USERS) as Who[]) tokens[who] = await issuer.issue(USERS[who]);
    const clock = new AdjustableClock();
    clock.set(new Date(cst('2025-04-03 10:00')));
    app = await createHttpApp(composeRootModule(config, [ReportingModule], { clock }), config, 'reporting test', { shutdownHooks: false });
    await startConsumers(app);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    const store = new PostgresEventStore({ pool });
    await store.migrate();
    await appendStories(store, [ELEVATOR, LIGHT, RUBBISH]);
    // The last event appended closes ELEVATOR; the bus delivers in order and each message is
    // applied to every projection, the monthly one last: once it shows the closing, all is in.
    await eventually(async () => {
      const { body } = await json<{ totals?: { received: number; closed: number } }>(`/reports/monthly?siteId=${SITE}&month=2025-03`);
      return body.totals?.received === 3 && body.totals.closed === 1 ? true : undefined;
    }, 'every event applied');
    work = mkdtempSync(join(tmpdir(), 'reporting-http-'));
  }, 90_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await app?.close();
    await pool?.end();
    await db?.drop();
  });

  describe('Complaint list', () => {
    it('should find Chinese text by substring, in the middle of a word too', async () => {
      const numbers = async (q: string) => (await json<{ items: { number: string }[] }>(`/complaints?siteId=${SITE}&q=${encodeURIComponent(q)}`)).body.items.map((i) => i.number);
      expect(await numbers('电梯')).toEqual(['HT-250303-001']);
      expect(await numbers('梯停')).toEqual(['HT-250303-001']);
      expect(await numbers('两天')).toEqual(['HT-250306-003']);
      expect(await numbers('没有这句话')).toEqual([]);
    });

    it('should show each user only their sites and departments', async () => {
      const numbers = async (who: Who, query = '') => (await json<{ items: { number: string }[] }>(`/complaints${query}`, who)).body.items.map((i) => i.number).sort();
      expect(await numbers('otherSite')).toEqual([]);
      expect((await json(`/complaints?siteId=${SITE}`, 'otherSite')).status).toBe(403);
      // The handler belongs to engineering: the cleaning complaint is not theirs.
      expect(await numbers('handler')).toEqual(['HT-250303-001', 'HT-250305-002']);
      expect((await json(`/complaints/${RUBBISH.id}`, 'handler')).status).toBe(403);
      expect((await json(`/complaints/${RUBBISH.id}/history`, 'otherSite')).status).toBe(403);
      expect((await json(`/complaints/${RUBBISH.id}/history`, 'auditor')).status).toBe(200);
    });

    it('should refuse a request without a token', async () => {
      expect((await fetch(`${base}/api/complaints`)).status).toBe(401);
    });
  });

  describe('Department dashboard', () => {
    it('should answer for a site and department', async () => {
      const { status, body } = await json<{ open: number; byStatus: Record<string, number>; overdue: { total: number } }>(`/dashboards/department?siteId=${SITE}&department=engineering`);
      expect(status).toBe(200);
      expect(body.open).toBe(1);
      expect(body.byStatus).toMatchObject({ triaged: 1, closed: 1 });
      // LIGHT's first reply was due 6 March; everything else is done or closed.
      expect(body.overdue.total).toBe(1);
    });

    it('should keep department staff to their own department and everyone to their sites', async () => {
      expect((await json<{ department: string }>(`/dashboards/department?siteId=${SITE}`, 'handler')).body.department).toBe('engineering');
      expect((await json(`/dashboards/department?siteId=${SITE}&department=cleaning`, 'handler')).status).toBe(403);
      expect((await json(`/dashboards/department?siteId=${SITE}`, 'otherSite')).status).toBe(403);
    });

    it('should refuse a missing siteId and an unknown parameter, naming the field', async () => {
      const missing = await json<{ statusCode: number; details: { field: string }[] }>(`/dashboards/department?department=engineering`);
      expect(missing.status).toBe(400);
      expect(missing.body.details.map((d) => d.field)).toContain('siteId');
      const unknown = await json<{ details: { field: string }[] }>(`/dashboards/department?siteId=${SITE}&colour=red`);
      expect(unknown.status).toBe(400);
      expect(unknown.body.details.map((d) => d.field)).toContain('colour');
    });
  });

  describe('Monthly pack', () => {
    it('should answer in JSON for a site', async () => {
      const { status, body } = await json<{ scope: { level: string }; totals: Record<string, number>; byCategory: { key: string; count: number }[] }>(`/reports/monthly?siteId=${SITE}&month=2025-03`);
      expect(status).toBe(200);
      expect(body.scope.level).toBe('site');
      expect(body.totals).toEqual({ received: 3, closed: 1, openAtMonthEnd: 2 });
      expect(body.byCategory).toEqual([
        { key: 'cleaning', label: '保洁环境', count: 1 },
        { key: 'facilities', label: '设施设备', count: 1 },
        { key: 'repairs', label: '维修', count: 1 },
      ]);
    });

    it('should cover the current month in the site’s time zone when no month is asked for (the clock: 3 April in Shanghai)', async () => {
      const { status, body } = await json<{ month: string; totals: Record<string, number> }>(`/reports/monthly?siteId=${SITE}`);
      expect(status).toBe(200);
      expect(body.month).toBe('2025-04');
      expect(body.totals.received).toBe(0);
      expect((await json<{ month: string }>(`/reports/monthly`, 'auditor')).body.month).toBe('2025-04');
    });

    it('should roll the whole group up when no site is given, for those who see every site', async () => {
      expect((await json(`/reports/monthly?month=2025-03`, 'manager')).status).toBe(403);
      const { body } = await json<{ scope: { level: string; sites: string[] }; sites: unknown[]; regions: unknown[] }>(`/reports/monthly?month=2025-03`, 'auditor');
      expect(body.scope).toMatchObject({ level: 'group', sites: [SITE] });
      expect(body.sites).toHaveLength(1);
      expect(body.regions).toHaveLength(1);
    });

    it('should export CSV with a byte-order mark', async () => {
      const res = await get(`/reports/monthly?siteId=${SITE}&month=2025-03&format=csv`);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toContain('monthly-report-site-http-2025-03.csv');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      expect(text).toContain('site:site-http,站点 site-http,totals,总体情况,received,本月受理,3,,,');
    });

    it('should export in the language asked for (lang=en), and refuse a language it has not with a 400 naming lang', async () => {
      const res = await get(`/reports/monthly?siteId=${SITE}&month=2025-03&format=csv&lang=en`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain('monthly-report-site-http-2025-03-en.csv');
      const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
      expect(text).toContain('site:site-http,Site site-http,totals,Totals,received,Received,3,,,');
      expect(text).not.toMatch(/总体情况|本月受理/);
      const zh = Buffer.from(await (await get(`/reports/monthly?siteId=${SITE}&month=2025-03&format=csv&lang=zh-CN`)).arrayBuffer()).toString('utf8');
      expect(zh).toContain('site:site-http,站点 site-http,totals,总体情况,received,本月受理,3,,,');
      const bad = await get(`/reports/monthly?siteId=${SITE}&month=2025-03&format=csv&lang=fr`);
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { code: string; details: { field: string; code: string }[] };
      expect(body.code).toBe('error.validation');
      expect(body.details).toContainEqual(expect.objectContaining({ field: 'lang', code: 'problem.not_one_of' }));
    });

    it('should export XLSX that a spreadsheet can open', async () => {
      const res = await get(`/reports/monthly?siteId=${SITE}&month=2025-03&format=xlsx`);
      expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new Workbook();
      await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as Parameters<typeof workbook.xlsx.load>[0]);
      expect(workbook.getWorksheet('概览')?.getRow(2).getCell(3).value).toBe(3);
    });

    it('should export PDF', async () => {
      const res = await get(`/reports/monthly?siteId=${SITE}&month=2025-03&format=pdf`);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const pdf = Buffer.from(await res.arrayBuffer());
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1')).toContain('NotoSansSC-Regular');
    });

    it('should refuse a malformed month and an unknown format', async () => {
      const month = await json<{ details: { field: string }[] }>(`/reports/monthly?siteId=${SITE}&month=2025-13`);
      expect(month.status).toBe(400);
      expect(month.body.details.map((d) => d.field)).toEqual(['month']);
      const format = await json<{ details: { field: string }[] }>(`/reports/monthly?siteId=${SITE}&month=2025-03&format=docx`);
      expect(format.status).toBe(400);
      expect(format.body.details.map((d) => d.field)).toEqual(['format']);
    });
  });

  describe('Projection administration', () => {
    it('should list every projection live after the start-up build', async () => {
      const { body } = await json<{ projections: { name: string; status: string }[] }>('/admin/projections', 'admin');
      expect(body.projections.map((p) => [p.name, p.status])).toEqual([
        ['complaint-view', 'live'],
        ['department-dashboard', 'live'],
        ['monthly-report', 'live'],
      ]);
    });

    it('should let only an administrator rebuild, and name unknown projections', async () => {
      expect((await get('/admin/projections/monthly-report/rebuild', 'manager', 'POST')).status).toBe(403);
      expect((await get('/admin/projections/nothing/rebuild', 'admin', 'POST')).status).toBe(404);
    });

    it('should rebuild from the event store and give the same answers', async () => {
      const before = (await json(`/reports/monthly?siteId=${SITE}&month=2025-03`)).body;
      const res = await get('/admin/projections/monthly-report/rebuild?wait=true', 'admin', 'POST');
      expect(res.status).toBe(200);
      const report = (await res.json()) as { status: string; events: number; rows: number };
      expect(report).toMatchObject({ status: 'live', events: ELEVATOR.events.length + LIGHT.events.length + RUBBISH.events.length, rows: 3 });
      const after = (await json(`/reports/monthly?siteId=${SITE}&month=2025-03`)).body;
      expect({ ...after, generatedAt: null, asOf: null }).toEqual({ ...before, generatedAt: null, asOf: null });
    });
  });

  describe('Archive', () => {
    it('should hand an auditor the year’s sealed archive as a tar the offline verifier accepts', async () => {
      const res = await get(`/archives/${SITE}/2025`, 'auditor');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-tar');
      const tar = join(work, 'archive.tar');
      writeFileSync(tar, Buffer.from(await res.arrayBuffer()));
      const run = spawnSync(process.execPath, [resolve(__dirname, '../../../../tools/verify-archive.mjs'), tar], { encoding: 'utf8' });
      expect(run.stdout).toContain(`OK: ${SITE} 2025 — 1 complaints, ${ELEVATOR.events.length} events`);
      expect(run.status).toBe(0);
    });

    it('should refuse the archive to a customer assistant, and to a manager of another site', async () => {
      expect((await get(`/archives/${SITE}/2025`, 'assistant')).status).toBe(403);
      expect((await get(`/archives/${SITE}/2025`, 'otherSite')).status).toBe(403);
    });
  });
});
