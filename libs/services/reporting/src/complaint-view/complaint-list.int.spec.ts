import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { ComplaintStory, appendStories, cst } from '../testing/complaint-story';
import { openReportingHarness, type ReportingHarness } from '../testing/reporting-harness';
import { queryComplaintList } from './complaint-list.query';

/**
 * The complaint list's filters that the read indexes serve (migration 1765100000000):
 * overdue through the indexed earliest deadline, the total as a plain count beside the
 * page, newest first across every site. On Wednesday 12 March 2025, 10:00 in Shanghai.
 */
const SITE = 'site-list';
const NOW = new Date(cst('2025-03-12 10:00'));

// Triaged 03-10, first reply due 03-11 09:00 and never given: overdue.
const LATE = new ComplaintStory().register(cst('2025-03-10 09:00'), { number: 'L-001', siteId: SITE, title: 'late' }).triage(cst('2025-03-10 10:00'));
// Registered this morning: its deadlines are all ahead.
const FRESH = new ComplaintStory().register(cst('2025-03-12 09:00'), { number: 'L-002', siteId: SITE, title: 'fresh' });
// Closed: no deadline left.
const CLOSED = new ComplaintStory()
  .register(cst('2025-03-03 08:00'), { number: 'L-003', siteId: SITE, title: 'closed' })
  .triage(cst('2025-03-03 08:30'))
  .firstReply(cst('2025-03-03 09:00'))
  .resolve(cst('2025-03-04 09:00'))
  .callback(cst('2025-03-05 09:00'), 1);
// Another site, newest of all.
const OTHER = new ComplaintStory().register(cst('2025-03-12 09:30'), { number: 'X-001', siteId: 'site-list-other', title: 'other' });

describe('Complaint list (GET /api/complaints) filters at scale', () => {
  let db: TestDatabase;
  let h: ReportingHarness;

  beforeAll(async () => {
    db = await createTestDatabase('complaint_list');
    h = await openReportingHarness(db.url);
    await appendStories(h.store, [LATE, FRESH, CLOSED, OTHER]);
    await h.projections.rebuild('complaint-view');
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const numbers = (page: { items: { number: string }[] }) => page.items.map((i) => i.number);

  it('given a first reply due yesterday and never given, then overdue=true lists it alone, and overdue=false lists the others — the closed one (no deadline left) too', async () => {
    const overdue = await queryComplaintList(h.dataSource, { siteId: SITE, overdue: true }, 'cs_manager', NOW);
    expect(numbers(overdue)).toEqual(['L-001']);
    expect(overdue.total).toBe(1);
    const onTime = await queryComplaintList(h.dataSource, { siteId: SITE, overdue: false }, 'cs_manager', NOW);
    expect(numbers(onTime)).toEqual(['L-002', 'L-003']);
    expect(onTime.total).toBe(2);
  });

  it('given every site and pages of one, then the newest comes first and the total counts every match, not the page', async () => {
    const first = await queryComplaintList(h.dataSource, { pageSize: 1 }, 'leadership', NOW);
    expect(numbers(first)).toEqual(['X-001']);
    expect(first.total).toBe(4);
    const third = await queryComplaintList(h.dataSource, { pageSize: 1, page: 3 }, 'leadership', NOW);
    expect(numbers(third)).toEqual(['L-001']);
    expect(third.total).toBe(4);
  });

  it('given a status filter, then the newest matching comes first; the overdue filter and the group-wide order have their indexes', async () => {
    const registered = await queryComplaintList(h.dataSource, { siteId: SITE, status: 'registered' }, 'cs_manager', NOW);
    expect(numbers(registered)).toEqual(['L-002']);
    // The overdue filter and the group-wide order can be answered from the new indexes (scans
    // are switched off: on a table this small the planner would rightly prefer one).
    const plans = await h.dataSource.transaction(async (m) => {
      await m.query('SET LOCAL enable_seqscan = off');
      const overduePlan = (await m.query(`EXPLAIN SELECT id FROM reporting.complaint_view c WHERE site_id = $1 AND reporting.earliest_deadline(c.deadlines) <= $2`, [SITE, NOW])) as { 'QUERY PLAN': string }[];
      const newestPlan = (await m.query(`EXPLAIN SELECT id FROM reporting.complaint_view c ORDER BY received_at DESC, id LIMIT 20`)) as { 'QUERY PLAN': string }[];
      return { overdue: overduePlan.map((r) => r['QUERY PLAN']).join('\n'), newest: newestPlan.map((r) => r['QUERY PLAN']).join('\n') };
    });
    expect(plans.overdue).toContain('complaint_view_site_earliest_deadline');
    expect(plans.newest).toContain('complaint_view_received');
    expect(plans.newest).not.toContain('Sort');
  });
});
