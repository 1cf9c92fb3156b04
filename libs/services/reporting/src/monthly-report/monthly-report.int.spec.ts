import { resolvePolicy } from '@complaints/domain';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { ComplaintStory, actors, appendStories, cst } from '../testing/complaint-story';
import { openReportingHarness, type ReportingHarness, untilAllVisible } from '../testing/reporting-harness';
import { buildMonthlyPack, type MonthlyPack, type SiteInfo } from './monthly-report.query';

/**
 * A hand-built March 2025 at site-sh (Asia/Shanghai; no public holiday in March, so working
 * days are Monday–Friday), run through the real domain decider, the real event store and the
 * monthly-report projection. Every expected number below is worked out from the stories in
 * this file. The report is read on 3 April 10:00 local (the policy's "by the 3rd").
 *
 * Deadlines used: first reply 24 h after receipt (urgent: same day); second reply 3 days
 * after the first; plan 3 working days (urgent too) and resolution 7 working days (a plan's
 * due date replaces the resolution's); callback 3 working days after resolution (an
 * unreached attempt: retry 1 day later); reopened: fresh first reply, plan, resolution.
 * Repeats are major from the third complaint. These are the policy this month was worked
 * out under, pinned below as a group policy: what is tested here is the report's arithmetic,
 * which does not depend on the policy's numbers (the domain's defaults — 3 working days,
 * same-day measures for urgent cases, any repeat major — are specified in the domain's specs).
 */
const SITE = 'site-sh';
const ASOF = new Date(cst('2025-04-03 10:00'));
const policy = resolvePolicy([
  {
    level: 'group',
    id: 'march-2025',
    version: '1',
    override: {
      deadlines: { resolve: { normal: { amount: 7, unit: 'working_days' } }, planByUrgency: { urgent: { amount: 3, unit: 'working_days' }, emergency: { amount: 3, unit: 'working_days' } } },
      major: { repeatCountAtLeast: 2 },
    },
  },
]);
const story = (id: string) => new ComplaintStory(id, { policy });
const site = (id: string, timeZone = 'Asia/Shanghai', regionId?: string): SiteInfo => ({
  id,
  timeZone,
  regionId,
  policy,
  staff:
    id === SITE
      ? [
          { id: 'u-cs-manager', role: 'cs_manager', name: '陈经理' },
          { id: 'u-cs-manager-2', role: 'cs_manager', name: '林经理' },
          { id: 'u-gm', role: 'general_manager', name: '周总' },
        ]
      : [],
});

// A — everything on time; an unreached callback attempt, then the CS manager reaches them (2).
//   firstReply due 03-04 10:00, done 03-03 14:00 ✓ · secondReply due 03-06 14:00, done 03-05 10:00 ✓
//   plan due end of 03-06, done 03-05 11:00 ✓ (its due 03-10 18:00 becomes the resolution's)
//   resolve due 03-10 18:00, done 03-10 09:00 ✓ · callback due end of 03-13, moved to 03-12 09:00
//   by the unreached attempt, done 03-11 10:00 ✓ · closed 03-11.
const A = story('a0000000-0000-4000-8000-00000000000a')
  .register(cst('2025-03-03 10:00'), { number: 'SH-250303-001', siteId: SITE, title: '楼道灯不亮', description: '3栋12楼楼道灯坏了一周，需要维修' })
  .triage(cst('2025-03-03 11:00'))
  .firstReply(cst('2025-03-03 14:00'))
  .secondReply(cst('2025-03-05 10:00'))
  .plan(cst('2025-03-05 11:00'), cst('2025-03-10 18:00'))
  .resolve(cst('2025-03-10 09:00'))
  .unreached(cst('2025-03-11 09:00'), actors.csManager)
  .callback(cst('2025-03-11 10:00'), 2, actors.csManager);

// B — late first reply, no plan, no second reply, late resolution; the callback scores 5 and
//   reopens it; handled again in time; the general manager's callback scores 1.
//   firstReply#1 due 03-05 09:00, done 03-05 15:00 ✗ · secondReply#1 due 03-08 15:00, withdrawn
//   by the resolution on 03-14 after it had passed ✗ · plan#1 due end of 03-07, withdrawn 03-14 ✗
//   resolve#1 due end of 03-13, done 03-14 10:00 ✗ · callback#1 due end of 03-19, done 03-17 ✓
//   reopened 03-17 10:00 → firstReply#2 due 03-18 10:00, done 03-17 14:00 ✓ · secondReply#2 due
//   03-20 14:00 and plan#2 due end of 03-20 withdrawn in time by the resolution (not measured)
//   resolve#2 due end of 03-26, done 03-19 ✓ · callback#2 due end of 03-24, done 03-20 ✓ · closed 03-20.
const B = story('b0000000-0000-4000-8000-00000000000b')
  .register(cst('2025-03-04 09:00'), { number: 'SH-250304-002', siteId: SITE, channel: 'wechat', title: '垃圾没人清理', description: '垃圾桶满了两天，有异味' })
  .triage(cst('2025-03-04 10:00'), { category: 'cleaning', department: 'cleaning' })
  .firstReply(cst('2025-03-05 15:00'))
  .resolve(cst('2025-03-14 10:00'))
  .callback(cst('2025-03-17 10:00'), 5)
  .firstReply(cst('2025-03-17 14:00'))
  .resolve(cst('2025-03-19 10:00'))
  .callback(cst('2025-03-20 10:00'), 1, actors.generalManager);

// C — invalid: the first reply explains it and closes it at once.
//   firstReply due 03-07 10:00, done 03-06 15:00 ✓ · resolve due end of 03-17, done (explained) 03-06 ✓.
const C = story('c0000000-0000-4000-8000-00000000000c')
  .register(cst('2025-03-06 10:00'), { number: 'SH-250306-003', siteId: SITE, channel: 'visit', title: '保安态度差', description: '门岗保安说话不礼貌' })
  .triage(cst('2025-03-06 11:00'), { nature: 'invalid', invalidReason: 'misunderstanding', category: 'staff_attitude', department: 'customer_service' })
  .firstReply(cst('2025-03-06 15:00'));

// D — a media report: major from registration; urgent (first reply and resolution the same day).
//   firstReply due end of 03-10, done 03-10 12:00 ✓ · resolve due end of 03-10, done 03-12 16:00 ✗
//   secondReply (due 03-13 12:00) and plan (due end of 03-13) withdrawn in time · callback due end
//   of 03-17, the general manager's on-site visit 03-18 ✗ (score 3) · closed 03-18.
const D = story('d0000000-0000-4000-8000-00000000000d')
  .register(cst('2025-03-10 09:00'), { number: 'SH-250310-004', siteId: SITE, channel: 'media', title: '小区被媒体曝光', description: '记者报道电梯困人' })
  .triage(cst('2025-03-10 10:00'), { category: 'security', department: 'security', severity: 'important', urgency: 'urgent' })
  .firstReply(cst('2025-03-10 12:00'))
  .resolve(cst('2025-03-12 16:00'))
  .callback(cst('2025-03-18 10:00'), 3, actors.generalManager, 'visit');

// E — a repeat of A (linked, within the repeat window); nothing done by 3 April.
//   firstReply due 03-21 10:00 ✗ (overdue) · plan due end of 03-25 ✗ · resolve due end of 03-31 ✗.
const E = story('e0000000-0000-4000-8000-00000000000e')
  .register(cst('2025-03-20 10:00'), { number: 'SH-250320-005', siteId: SITE, title: '楼道灯又坏了', description: '上次维修后又坏了', relatedComplaintId: A.id })
  .triage(cst('2025-03-20 11:00'));

// F — anonymous; resolved, then exempted from callback (not callable).
//   firstReply due 03-25 09:00, done 03-24 11:00 ✓ · resolve due end of 04-02 → an April figure
//   plan, secondReply, callback withdrawn in time · closed 03-26.
const F = story('f0000000-0000-4000-8000-00000000000f')
  .register(cst('2025-03-24 09:00'), {
    number: 'SH-250324-006',
    siteId: SITE,
    channel: 'web',
    complainant: { anonymous: true },
    title: '草坪边有垃圾',
    description: '绿化带里堆了垃圾',
  })
  .triage(cst('2025-03-24 10:00'), { category: 'cleaning', department: 'cleaning' })
  .firstReply(cst('2025-03-24 11:00'))
  .resolve(cst('2025-03-26 10:00'))
  .exempt(cst('2025-03-26 11:00'), 'anonymous');

// K — resolved 03-28, its callback still owed on 3 April.
//   firstReply due 03-26 10:00, done 03-25 12:00 ✓ · resolve due end of 04-03 → April · callback
//   due end of 04-02 → April.
const K = story('a1000000-0000-4000-8000-0000000000a1')
  .register(cst('2025-03-25 10:00'), { number: 'SH-250325-007', siteId: SITE, title: '树木需要修剪', description: '楼下的树挡住阳台' })
  .triage(cst('2025-03-25 11:00'), { category: 'landscaping', department: 'landscaping' })
  .firstReply(cst('2025-03-25 12:00'))
  .resolve(cst('2025-03-28 10:00'));

// G — received 31 March 23:30 in Shanghai (15:30 UTC): a March complaint there; never triaged.
const G = story('a2000000-0000-4000-8000-0000000000a2').register(cst('2025-03-31 23:30'), {
  number: 'SH-250331-008',
  siteId: SITE,
  channel: 'app',
  title: '停车位被占',
  description: '车位被外来车辆占用',
});

// H — received 1 April 00:30 in Shanghai (31 March 16:30 UTC): April there.
const H = story('a3000000-0000-4000-8000-0000000000a3').register(cst('2025-04-01 00:30'), { number: 'SH-250401-001', siteId: SITE, title: '门禁坏了', description: '单元门禁刷不开' });

// I — received 28 February 23:00 (a February complaint) whose replies fall due in March.
//   firstReply due 03-01 23:00, done 03-01 10:00 ✓ · secondReply due 03-04 10:00, done 03-03 09:00 ✓.
const I = story('a4000000-0000-4000-8000-0000000000a4')
  .register(cst('2025-02-28 23:00'), { number: 'SH-250228-099', siteId: SITE, title: '咨询物业费标准', description: '想了解新的标准' })
  .firstReply(cst('2025-03-01 10:00'))
  .secondReply(cst('2025-03-03 09:00'));

// J — another site (Beijing) for the roll-ups: fees, first reply in time.
const J = story('a5000000-0000-4000-8000-0000000000a5')
  .register(cst('2025-03-05 10:00'), { number: 'BJ-250305-001', siteId: 'site-bj', title: '物业费账单有误', description: '账单金额不对' })
  .triage(cst('2025-03-05 10:30'), { category: 'fees', department: 'finance' })
  .firstReply(cst('2025-03-05 11:00'));

describe('Monthly pack (月度统计报告) on a hand-built March 2025', () => {
  let db: TestDatabase;
  let h: ReportingHarness;
  let pack: MonthlyPack;

  const report = (sites: SiteInfo[], level: 'site' | 'region' | 'group' = 'site') =>
    buildMonthlyPack(h.dataSource, { month: '2025-03', asOf: ASOF, generatedAt: ASOF, sites, level, groupPolicy: policy });

  beforeAll(async () => {
    db = await createTestDatabase('monthly_report');
    h = await openReportingHarness(db.url);
    await appendStories(h.store, [A, B, C, D, E, F, K, G, H, I, J]);
    await untilAllVisible(h);
    await h.projections.rebuild('monthly-report');
    pack = await report([site(SITE)]);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const counts = (items: { key: string; count: number }[]) => Object.fromEntries(items.map((i) => [i.key, i.count]));

  describe('Rule: a complaint counts in the site-local month it was received', () => {
    it('should count the eight complaints received in March in Shanghai — G (31 March 23:30) in, H (1 April 00:30) and I (28 February) out', () => {
      expect(pack.totals.received).toBe(8);
      expect(pack.period).toEqual({ from: '2025-02-28T16:00:00.000Z', to: '2025-03-31T16:00:00.000Z' });
      expect(pack.dueBy).toBe('2025-04-03'); // reporting.monthlyReportDueDay (3) of the next month
    });

    it('should move the boundary with the site’s time zone: in UTC, H (31 March 16:30 UTC) is a March complaint too', async () => {
      const utc = await report([site(SITE, 'UTC')]);
      expect(utc.totals.received).toBe(9);
    });
  });

  describe('Rule: closed = ComplaintClosed in the month; open at month end = received by then and not closed by then', () => {
    it('should count A, B, C, D and F closed, and E, K, G and I (from February) still open on 31 March', () => {
      expect(pack.totals.closed).toBe(5);
      expect(pack.totals.openAtMonthEnd).toBe(4);
    });
  });

  describe('Rule: counts by category, nature, channel and department use the current classification ("untriaged" until triage)', () => {
    it('should count by category', () => {
      expect(counts(pack.byCategory)).toEqual({ repairs: 2, cleaning: 2, staff_attitude: 1, security: 1, landscaping: 1, untriaged: 1 });
      expect(pack.byCategory.find((c) => c.key === 'cleaning')?.label).toBe('保洁环境');
    });
    it('should count by nature', () => {
      expect(counts(pack.byNature)).toEqual({ valid: 6, invalid: 1, untriaged: 1 });
    });
    it('should count by channel', () => {
      expect(counts(pack.byChannel)).toEqual({ phone: 3, wechat: 1, visit: 1, media: 1, web: 1, app: 1 });
    });
    it('should count by responsible department', () => {
      expect(counts(pack.byDepartment)).toEqual({ engineering: 2, cleaning: 2, customer_service: 1, security: 1, landscaping: 1, untriaged: 1 });
    });
  });

  describe('Rule: on time = the step done by the deadline in force, never overdue before; counted in the month the step fell due', () => {
    it('should give the first reply 7 of 9 on time: A B#2 C D F I K in time; B#1 late, E still overdue (G is due in April)', () => {
      expect(pack.onTime.firstReply).toMatchObject({ measured: 9, onTime: 7, late: 2, notYetDue: 0, rate: 0.7778 });
    });
    it('should give the second reply 2 of 3: A and I in time; B#1 withdrawn after it had passed (B#2, D, F, K withdrawn in time are not measured)', () => {
      expect(pack.onTime.secondReply).toMatchObject({ measured: 3, onTime: 2, late: 1, rate: 0.6667 });
    });
    it('should give the plan 1 of 3: A in time; B#1 never made before its deadline, E overdue', () => {
      expect(pack.onTime.plan).toMatchObject({ measured: 3, onTime: 1, late: 2, rate: 0.3333 });
    });
    it('should give resolution 3 of 6: A (by its plan’s date), B#2, C (explained) in time; B#1 and D late, E overdue (F and K are due in April)', () => {
      expect(pack.onTime.resolve).toMatchObject({ measured: 6, onTime: 3, late: 3, rate: 0.5 });
    });
    it('should give the callback 3 of 4: A (by the retry date), B#1, B#2 in time; D’s visit a day late (F exempted; K due in April)', () => {
      expect(pack.onTime.callback).toMatchObject({ measured: 4, onTime: 3, late: 1, rate: 0.75 });
    });
  });

  describe('Rule: callback rate = resolutions of the month that reached a scored callback ÷ those not exempted (target 100 %)', () => {
    it('should count six resolutions (A, B twice, D, F, K), F exempted, K still owed: 4 of 5 = 80 %, short of the target', () => {
      expect(pack.callback).toEqual({ resolved: 6, exempt: 1, callable: 5, done: 4, pending: 1, rate: 0.8, target: 1, meetsTarget: false });
    });
  });

  describe('Rule: satisfaction distribution = scores of the callbacks completed in the month; 1–3 count as satisfied', () => {
    it('should show A 2, B 5 then 1, D 3', () => {
      expect(pack.satisfaction).toEqual({ responses: 4, distribution: { '1': 1, '2': 1, '3': 1, '4': 0, '5': 1 }, satisfied: 3, satisfiedRate: 0.75, average: 2.75 });
    });
  });

  describe('Rule: major (received in the month and major, or marked major during it), repeat and reopened complaints', () => {
    it('should list D as the one major complaint', () => {
      expect(pack.major.count).toBe(1);
      expect(pack.major.items.map((i) => i.number)).toEqual(['SH-250310-004']);
    });
    it('should list E as the one repeat complaint', () => {
      expect(pack.repeat.items.map((i) => i.number)).toEqual(['SH-250320-005']);
    });
    it('should list B as reopened once', () => {
      expect(pack.reopened).toMatchObject({ count: 1, events: 1 });
      expect(pack.reopened.items.map((i) => i.number)).toEqual(['SH-250304-002']);
    });
  });

  describe('Rule: top issues = the five largest categories and the keywords found in at least two complaints of the month', () => {
    it('should rank the categories by count, then by key', () => {
      expect(pack.topIssues.categories.map((c) => [c.key, c.count, c.share])).toEqual([
        ['cleaning', 2, 0.25],
        ['repairs', 2, 0.25],
        ['landscaping', 1, 0.125],
        ['security', 1, 0.125],
        ['staff_attitude', 1, 0.125],
      ]);
    });
    it('should find 坏了 and 维修 (A, E) and 垃圾 (B, F) recurring', () => {
      expect(pack.topIssues.keywords).toEqual([
        { keyword: '坏了', complaints: 2 },
        { keyword: '垃圾', complaints: 2 },
        { keyword: '维修', complaints: 2 },
      ]);
    });
  });

  describe('Rule: CS managers do ≥ 3 and general managers ≥ 1 completed callbacks a month (policy.callback.monthlyMinimum)', () => {
    it('should count 陈经理 1 (the unreached attempt does not count), 林经理 0 (configured, no activity), 周总 2', () => {
      expect(pack.callbackQuotas.map((q) => [q.actorId, q.role, q.callbacks, q.required, q.missing, q.met])).toEqual([
        ['u-cs-manager', 'cs_manager', 1, 3, 2, false],
        ['u-cs-manager-2', 'cs_manager', 0, 3, 3, false],
        ['u-gm', 'general_manager', 2, 1, 0, true],
      ]);
    });
  });

  describe('Rule: a region or the group adds up its sites (each in its own zone) and derives rates from the sums', () => {
    it('should roll site-sh (east) and site-bj (north) up into the group', async () => {
      const group = await report([site(SITE, 'Asia/Shanghai', 'east'), site('site-bj', 'Asia/Shanghai', 'north')], 'group');
      expect(group.scope).toMatchObject({ level: 'group', sites: [SITE, 'site-bj'] });
      expect(group.totals.received).toBe(9);
      expect(counts(group.byCategory).fees).toBe(1);
      // J's first reply in time: 8 of 10.
      expect(group.onTime.firstReply).toMatchObject({ measured: 10, onTime: 8, rate: 0.8 });
      expect(group.regions?.map((r) => [r.scope.id, r.totals.received])).toEqual([
        ['east', 8],
        ['north', 1],
      ]);
      expect(group.sites?.map((s) => [s.scope.id, s.totals.received])).toEqual([
        [SITE, 8],
        ['site-bj', 1],
      ]);
    });
  });
});
