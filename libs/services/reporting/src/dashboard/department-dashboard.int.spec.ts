import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { ComplaintStory, appendStories, cst } from '../testing/complaint-story';
import { openReportingHarness, type ReportingHarness, untilAllVisible } from '../testing/reporting-harness';
import { queryDepartmentDashboard } from './department-dashboard.query';

/**
 * The department dashboard on Wednesday 12 March 2025, 10:00 in Shanghai. Deadlines are the
 * default policy's, computed by the domain when each event happened.
 */
const SITE = 'site-dash';
const NOW = new Date(cst('2025-03-12 10:00'));

// P1 engineering/repairs: first reply due 03-11 09:00, never given → overdue.
const P1 = new ComplaintStory().register(cst('2025-03-10 09:00'), { number: 'D-001', siteId: SITE, title: 'P1' }).triage(cst('2025-03-10 10:00'));
// P2 engineering/facilities, urgent: first reply, measures and resolution due the same day (end of 03-12) → due today.
const P2 = new ComplaintStory()
  .register(cst('2025-03-12 08:00'), { number: 'D-002', siteId: SITE, title: 'P2' })
  .triage(cst('2025-03-12 08:30'), { category: 'facilities', urgency: 'urgent' });
// P3 resolved Friday 03-07: callback due end of Wednesday 03-12 → callback backlog, due today.
const P3 = new ComplaintStory()
  .register(cst('2025-03-03 10:00'), { number: 'D-003', siteId: SITE, title: 'P3' })
  .triage(cst('2025-03-03 11:00'))
  .firstReply(cst('2025-03-03 12:00'))
  .resolve(cst('2025-03-07 10:00'));
// P4 resolved Tuesday 03-04: callback due end of Friday 03-07 → callback backlog, overdue.
const P4 = new ComplaintStory()
  .register(cst('2025-03-03 09:00'), { number: 'D-004', siteId: SITE, title: 'P4' })
  .triage(cst('2025-03-03 09:30'))
  .firstReply(cst('2025-03-03 10:00'))
  .resolve(cst('2025-03-04 10:00'));
// P5 closed.
const P5 = new ComplaintStory()
  .register(cst('2025-03-03 08:00'), { number: 'D-005', siteId: SITE, title: 'P5' })
  .triage(cst('2025-03-03 08:30'))
  .firstReply(cst('2025-03-03 09:00'))
  .resolve(cst('2025-03-04 09:00'))
  .callback(cst('2025-03-05 09:00'), 1);
// P6 another department (security); P7 not triaged yet (no department).
const P6 = new ComplaintStory().register(cst('2025-03-11 10:00'), { number: 'D-006', siteId: SITE, title: 'P6' }).triage(cst('2025-03-11 10:30'), { category: 'security', department: 'security' });
const P7 = new ComplaintStory().register(cst('2025-03-12 09:00'), { number: 'D-007', siteId: SITE, title: 'P7' });
// Another site's complaint never shows.
const OTHER = new ComplaintStory().register(cst('2025-03-01 09:00'), { number: 'X-001', siteId: 'site-other', title: 'X' }).triage(cst('2025-03-01 10:00'));

describe('Department dashboard (GET /api/dashboards/department)', () => {
  let db: TestDatabase;
  let h: ReportingHarness;

  beforeAll(async () => {
    db = await createTestDatabase('dashboard');
    h = await openReportingHarness(db.url);
    await appendStories(h.store, [P1, P2, P3, P4, P5, P6, P7, OTHER]);
    await untilAllVisible(h);
    await h.projections.rebuild('department-dashboard');
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const engineering = () => queryDepartmentDashboard(h.dataSource, { siteId: SITE, department: 'engineering', now: NOW, timeZone: 'Asia/Shanghai' });

  describe('Given engineering’s complaints at 10:00 on 12 March', () => {
    it('should count P1 and P2 open (P3, P4 wait for their callback, P5 is closed)', async () => {
      expect((await engineering()).open).toBe(2);
    });

    it('should count what falls due later today: P2’s first reply, measures and resolution, P3’s callback — two complaints', async () => {
      expect((await engineering()).dueToday).toEqual({ total: 2, firstReply: 1, secondReply: 0, plan: 1, resolve: 1, followUp: 0, callback: 1 });
    });

    it('should count what is overdue per stage: P1’s first reply, P4’s callback', async () => {
      expect((await engineering()).overdue).toEqual({ total: 2, firstReply: 1, secondReply: 0, plan: 0, resolve: 0, followUp: 0, callback: 1 });
    });

    it('should count open complaints by category and all complaints by status', async () => {
      const d = await engineering();
      expect(d.byCategory).toEqual({ repairs: 1, facilities: 1 });
      expect(d.byStatus).toEqual({ registered: 0, triaged: 2, in_progress: 0, resolved: 2, closed: 1, reopened: 0 });
    });

    it('should list the oldest open first, with its age in days', async () => {
      expect((await engineering()).oldestOpen.map((c) => [c.number, c.ageDays])).toEqual([
        ['D-001', 2],
        ['D-002', 0],
      ]);
    });

    it('should show the callback backlog: two waiting, one overdue, one due today, the longest waiting first', async () => {
      const { callbackBacklog } = await engineering();
      expect({ ...callbackBacklog, oldest: callbackBacklog.oldest.map((c) => c.number) }).toEqual({ total: 2, overdue: 1, dueToday: 1, oldest: ['D-004', 'D-003'] });
    });
  });

  describe('Given no department', () => {
    it('should cover the whole site, untriaged complaints included, and no other site', async () => {
      const d = await queryDepartmentDashboard(h.dataSource, { siteId: SITE, now: NOW, timeZone: 'Asia/Shanghai' });
      expect(d.open).toBe(4);
      expect(d.byCategory).toEqual({ repairs: 1, facilities: 1, security: 1, untriaged: 1 });
    });
  });
});
