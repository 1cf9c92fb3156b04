import type { Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { createWorkingCalendar } from '../calendar/working-calendar';
import { DEFAULT_POLICY } from '../policy/policy';
import { actors, history } from '../testing/complaint.fixtures';
import { deciderSpecification } from '../testing/decider-spec';
import { isoWeekOf, reviewWeeklyChecks, weekDates, weeklyAgenda, weeklyCheckDecider, weeklyCheckDueAt, weeklyChaseKey, type WeeklyCheckCommand, type WeeklyCheckEvent } from './weekly-check';

const TZ = 'Asia/Shanghai';
const calendar = createWorkingCalendar({ timeZone: TZ });
const WEEK = '2025-W11'; // Monday 10 March … Sunday 16 March 2025
const now = '2025-03-14T02:00:00.000Z';
const finding = (complaintId: string, outcome: 'ok' | 'issue', note?: string, actor: Actor = actors.supervisor): WeeklyCheckCommand => ({
  type: 'RecordCheckFinding',
  data: { siteId: 'site-sh-01', week: WEEK, timeZone: TZ, complaintId, number: `N-${complaintId}`, outcome, ...(note ? { note } : {}) },
  metadata: { now, actor },
});
const recorded = (complaintId: string, outcome: 'ok' | 'issue', note: string | null = null): WeeklyCheckEvent => ({
  type: 'WeeklyCheckFindingRecorded',
  data: { siteId: 'site-sh-01', week: WEEK, complaintId, number: `N-${complaintId}`, outcome, note, at: now, by: actors.supervisor },
});
const complete = (agenda: string[]): WeeklyCheckCommand => ({
  type: 'CompleteWeeklyCheck',
  data: { siteId: 'site-sh-01', week: WEEK, timeZone: TZ, agenda: agenda.map((id) => ({ complaintId: id, number: `N-${id}` })) },
  metadata: { now, actor: actors.supervisor },
});
const given = deciderSpecification(weeklyCheckDecider);

describe('Weekly supervisor check (每周检查): weeks and what a check lists', () => {
  it('Rule: weeks are ISO weeks in site time, Monday to Sunday', () => {
    expect([isoWeekOf('2025-03-10'), isoWeekOf('2025-03-16'), isoWeekOf('2024-12-30'), isoWeekOf('2027-01-01')]).toEqual(['2025-W11', '2025-W11', '2025-W01', '2026-W53']);
    expect(weekDates('2025-W01')).toEqual({ from: '2024-12-30', to: '2025-01-05' });
  });
  it('Rule: a check is due at the end of the first working day after its week', () => {
    expect(weeklyCheckDueAt(WEEK, calendar)).toBe('2025-03-17T15:59:59.999Z');
    expect(weeklyCheckDueAt('2025-W40', calendar)).toBe('2025-10-09T15:59:59.999Z'); // National Day holidays 1–8 Oct
  });
  it("Rule: the check lists the week's new records, complaints still in handling, and callbacks due", () => {
    const recordedThisWeek = history(undefined, '2025-03-11T02:00:00.000Z').register({ complaintId: 'c-new', number: 'N-1' }).complaint;
    const olderOpen = history(undefined, '2025-03-03T02:00:00.000Z').register({ complaintId: 'c-old', number: 'N-2' }).triage().complaint;
    const callbackDue = history(undefined, '2025-03-03T02:00:00.000Z').register({ complaintId: 'c-cb', number: 'N-3' }).triage().firstReply().resolve().complaint;
    const closedBefore = history(undefined, '2025-03-03T02:00:00.000Z').register({ complaintId: 'c-done', number: 'N-4' }).triage().close().complaint;
    const nextWeek = history(undefined, '2025-03-18T02:00:00.000Z').register({ complaintId: 'c-later', number: 'N-5' }).complaint;
    expect(weeklyAgenda('site-sh-01', WEEK, TZ, [nextWeek, closedBefore, callbackDue, olderOpen, recordedThisWeek]).map((i) => [i.number, i.reasons])).toEqual([
      ['N-1', ['recorded', 'open_handling']],
      ['N-2', ['open_handling']],
      ['N-3', ['callback_due']],
    ]);
  });
});

describe('Weekly supervisor check (每周检查): findings and completion', () => {
  it('Rule: the supervisor records a finding per complaint; an issue needs a note', () => {
    given([]).when(finding('c-1', 'ok')).then([recorded('c-1', 'ok')]);
    given([]).when(finding('c-1', 'issue')).thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['note']));
    given([]).when(finding('c-1', 'issue', '回访记录缺满意度')).then([recorded('c-1', 'issue', '回访记录缺满意度')]);
    given([recorded('c-1', 'ok')]).when(finding('c-1', 'ok')).thenNothingHappens();
  });
  it('Rule: only the CS supervisor (or the CS centre manager) records findings', () => {
    given([]).when(finding('c-1', 'ok', undefined, actors.assistant)).thenThrows(ForbiddenError);
  });
  it('Rule: a check completes only when every complaint it lists has a finding', () => {
    given([recorded('c-1', 'ok')]).when(complete(['c-1', 'c-2'])).thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.message).toContain('N-c-2'));
    given([recorded('c-1', 'ok'), recorded('c-2', 'issue', 'x')])
      .when(complete(['c-1', 'c-2']))
      .then([{ type: 'WeeklyCheckCompleted', data: { siteId: 'site-sh-01', week: WEEK, checked: 2, issues: 1, note: null, at: now, by: actors.supervisor } }]);
  });
  it('Rule: a completed check takes no more findings', () => {
    const completed: WeeklyCheckEvent = { type: 'WeeklyCheckCompleted', data: { siteId: 'site-sh-01', week: WEEK, checked: 0, issues: 0, note: null, at: now, by: actors.supervisor } };
    given([completed]).when(finding('c-1', 'ok')).thenThrows(InvalidStateError);
  });
  it('Rule: a week that has not begun cannot be checked', () => {
    given([]).when({ ...finding('c-1', 'ok'), data: { ...finding('c-1', 'ok').data, week: '2025-W12' } } as WeeklyCheckCommand).thenThrows(InvalidStateError);
  });
});

describe('Weekly supervisor check (每周检查): an unchecked week is chased like any deadline', () => {
  const review = (at: string, checks = {}, policy = DEFAULT_POLICY) => reviewWeeklyChecks({ siteId: 'site-sh-01', now: at, calendar, policy, checks });
  it('Rule: nothing is chased before the check is due', () => {
    expect(review('2025-03-17T15:00:00.000Z').filter((c) => c.data.week === WEEK)).toEqual([]);
  });
  it('Rule: past due, the supervisor is chased, then one level up per grace period (1 working day)', () => {
    expect(review('2025-03-17T16:30:00.000Z').filter((c) => c.data.week === WEEK).map((c) => [c.data.level, c.data.to])).toEqual([[0, 'cs_supervisor']]);
    expect(review('2025-03-18T16:30:00.000Z').filter((c) => c.data.week === WEEK).map((c) => [c.data.level, c.data.to])).toEqual([[1, 'cs_manager']]);
    expect(review('2025-03-28T16:30:00.000Z').filter((c) => c.data.week === WEEK).map((c) => [c.data.level, c.data.to])).toEqual([[2, 'general_manager']]);
  });
  it('Rule: a completed check, or a chase step already applied, is not chased again', () => {
    expect(review('2025-03-18T16:30:00.000Z', { [WEEK]: { completedAt: '2025-03-18T01:00:00.000Z', chaseKeys: [] } }).filter((c) => c.data.week === WEEK)).toEqual([]);
    expect(review('2025-03-18T16:30:00.000Z', { [WEEK]: { chaseKeys: [weeklyChaseKey('site-sh-01', WEEK, 1)] } }).filter((c) => c.data.week === WEEK)).toEqual([]);
    const chase = review('2025-03-17T16:30:00.000Z').find((c) => c.data.week === WEEK) as WeeklyCheckCommand;
    given([]).when(chase).then([{ type: 'WeeklyCheckChased', data: { ...(chase.data as { siteId: string; week: string; dueAt: string; level: number; to: 'cs_supervisor'; key: string }), at: '2025-03-17T16:30:00.000Z' } }]);
    given(given([]).when(chase).events()).when(chase).thenNothingHappens();
  });
  it('Rule: a site whose policy sets reporting.weeklyRecordCheck to false is not chased', () => {
    expect(review('2025-03-18T16:30:00.000Z', {}, { ...DEFAULT_POLICY, reporting: { ...DEFAULT_POLICY.reporting, weeklyRecordCheck: false } })).toEqual([]);
  });
});
