/**
 * 每周检查 — the CS supervisor's weekly check of a site's records, open handling and callbacks
 * due (docs/process.md §6). Each site and ISO week (site time, Monday to Sunday) has a check
 * task; the supervisor records a finding per complaint on the stream
 * `record-check-<siteId>-<yyyy-Www>` and completes the check once every complaint listed has
 * one. A check still open after its due time (the end of the first working day after the
 * week) is chased like any deadline: first the supervisor, then one level up the chain per
 * grace period (`escalation.graceAfterChase.normal`), each step once (its key).
 * `reporting.weeklyRecordCheck: false` switches the chasing off for a site.
 */
import type { Role } from '../common/actor';
import { InvalidStateError, ProblemList } from '../common/domain-errors';
import { fromMillis, toMillis } from '../common/iso-time';
import { addDaysToLocalDate, endOfLocalDate, localDateOf, parseLocalDate, startOfLocalDate, weekdayOf, type LocalDate } from '../calendar/time-zone';
import { addWorkingDaysToDate, applyDeadlineRuleRepeatedly, type WorkingCalendar } from '../calendar/working-calendar';
import type { ComplaintPolicy } from '../policy/policy';
import type { Complaint } from '../complaint/complaint.state';
import { assertDeskRole, type DeskMetadata } from './desk-common';

/** Who records findings and completes the check: the CS supervisor (客户主任), or the CS centre manager standing in. */
export const WEEKLY_CHECK_ROLES: readonly Role[] = ['cs_supervisor', 'cs_manager'];
/** Whom an unchecked week is chased to, level by level. */
export const WEEKLY_CHECK_CHASE_CHAIN: readonly Role[] = ['cs_supervisor', 'cs_manager', 'general_manager'];
/** How many past weeks the scheduler looks at (a new installation does not chase its whole past). */
export const WEEKLY_CHECK_LOOKBACK_WEEKS = 4;

export const WEEKLY_CHECK_STREAM_PREFIX = 'record-check-';
export const weeklyCheckStreamName = (siteId: string, week: string): string => `${WEEKLY_CHECK_STREAM_PREFIX}${siteId}-${week}`;

export const isIsoWeek = (week: unknown): week is string => typeof week === 'string' && /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/.test(week);

const dayOfYear = (date: LocalDate): number => {
  const { year, month, day } = parseLocalDate(date);
  return (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
};

/** The Monday of a date's week. */
const mondayOf = (date: LocalDate): LocalDate => addDaysToLocalDate(date, -((weekdayOf(date) + 6) % 7));

/** ISO 8601 week of a local date: `2026-W49`. */
export const isoWeekOf = (date: LocalDate): string => {
  const thursday = addDaysToLocalDate(mondayOf(date), 3);
  const year = parseLocalDate(thursday).year;
  const week = Math.floor((dayOfYear(thursday) - 1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
};

/** Monday and Sunday of an ISO week. */
export const weekDates = (week: string): { from: LocalDate; to: LocalDate } => {
  const year = Number(week.slice(0, 4));
  const n = Number(week.slice(6));
  const jan4 = `${year}-01-04`;
  const from = addDaysToLocalDate(mondayOf(jan4), 7 * (n - 1));
  return { from, to: addDaysToLocalDate(from, 6) };
};

export const previousWeek = (week: string): string => isoWeekOf(addDaysToLocalDate(weekDates(week).from, -7));

/** The week's span in instants at the site: [start, end]. */
export const weekSpan = (week: string, timeZone: string): { start: string; end: string } => {
  const { from, to } = weekDates(week);
  return { start: fromMillis(startOfLocalDate(from, timeZone)), end: fromMillis(endOfLocalDate(to, timeZone)) };
};

/** Due: the end of the first working day after the week (normally the next Monday). */
export const weeklyCheckDueAt = (week: string, calendar: WorkingCalendar): string =>
  fromMillis(endOfLocalDate(addWorkingDaysToDate(calendar, weekDates(week).to, 1), calendar.timeZone));

export type WeeklyAgendaReason = 'recorded' | 'open_handling' | 'callback_due';
export type WeeklyAgendaItem = { complaintId: string; number: string; title: string; status: string; reasons: WeeklyAgendaReason[] };

const OPEN: ReadonlySet<string> = new Set(['registered', 'triaged', 'in_progress', 'reopened']);

/**
 * What the week's check lists, for one site: the complaints recorded in the week (their
 * records), those in handling at the week's end (received by then and not resolved), and
 * those resolved whose callback fell due by the week's end and is not done.
 */
export const weeklyAgenda = (siteId: string, week: string, timeZone: string, complaints: readonly Complaint[]): WeeklyAgendaItem[] => {
  const { start, end } = weekSpan(week, timeZone);
  const startMs = toMillis(start);
  const endMs = toMillis(end);
  const items: WeeklyAgendaItem[] = [];
  for (const c of complaints) {
    if (c.siteId !== siteId) continue;
    const received = toMillis(c.receivedAt);
    if (received > endMs) continue;
    const reasons: WeeklyAgendaReason[] = [];
    if (received >= startMs) reasons.push('recorded');
    if (OPEN.has(c.status)) reasons.push('open_handling');
    if (c.status === 'resolved' && c.deadlines.callback && toMillis(c.deadlines.callback) <= endMs) reasons.push('callback_due');
    if (reasons.length > 0) items.push({ complaintId: c.id, number: c.number, title: c.title, status: c.status, reasons });
  }
  return items.sort((a, b) => a.number.localeCompare(b.number));
};

export type CheckFindingOutcome = 'ok' | 'issue';
export const CHECK_FINDING_OUTCOMES: readonly CheckFindingOutcome[] = ['ok', 'issue'];

export type RecordCheckFinding = {
  type: 'RecordCheckFinding';
  data: { siteId: string; week: string; timeZone: string; complaintId: string; number: string; outcome: CheckFindingOutcome; note?: string };
  metadata: DeskMetadata;
};
export type CompleteWeeklyCheck = {
  type: 'CompleteWeeklyCheck';
  data: { siteId: string; week: string; timeZone: string; agenda: readonly Pick<WeeklyAgendaItem, 'complaintId' | 'number'>[]; note?: string };
  metadata: DeskMetadata;
};
export type ChaseWeeklyCheck = {
  type: 'ChaseWeeklyCheck';
  data: { siteId: string; week: string; dueAt: string; level: number; to: Role; key: string };
  metadata: DeskMetadata;
};
export type WeeklyCheckCommand = RecordCheckFinding | CompleteWeeklyCheck | ChaseWeeklyCheck;

export type WeeklyCheckFindingRecorded = {
  type: 'WeeklyCheckFindingRecorded';
  data: { siteId: string; week: string; complaintId: string; number: string; outcome: CheckFindingOutcome; note: string | null; at: string; by: DeskMetadata['actor'] };
};
export type WeeklyCheckCompleted = { type: 'WeeklyCheckCompleted'; data: { siteId: string; week: string; checked: number; issues: number; note: string | null; at: string; by: DeskMetadata['actor'] } };
export type WeeklyCheckChased = { type: 'WeeklyCheckChased'; data: { siteId: string; week: string; dueAt: string; level: number; to: Role; key: string; at: string } };
export type WeeklyCheckEvent = WeeklyCheckFindingRecorded | WeeklyCheckCompleted | WeeklyCheckChased;
export const WEEKLY_CHECK_EVENT_TYPES: readonly WeeklyCheckEvent['type'][] = ['WeeklyCheckFindingRecorded', 'WeeklyCheckCompleted', 'WeeklyCheckChased'];

export type WeeklyCheckFinding = { complaintId: string; number: string; outcome: CheckFindingOutcome; note: string | null; at: string; by: DeskMetadata['actor'] };

export type WeeklyCheckState = {
  siteId?: string;
  week?: string;
  findings: Record<string, WeeklyCheckFinding>;
  completedAt?: string;
  completedBy?: DeskMetadata['actor'];
  chaseKeys: string[];
  chaseLevel: number | null;
  lastChasedAt?: string;
};

export const initialWeeklyCheckState = (): WeeklyCheckState => ({ findings: {}, chaseKeys: [], chaseLevel: null });

export const evolveWeeklyCheck = (state: WeeklyCheckState, event: WeeklyCheckEvent): WeeklyCheckState => {
  switch (event.type) {
    case 'WeeklyCheckFindingRecorded': {
      const { siteId, week, complaintId, number, outcome, note, at, by } = event.data;
      return { ...state, siteId, week, findings: { ...state.findings, [complaintId]: { complaintId, number, outcome, note, at, by } } };
    }
    case 'WeeklyCheckCompleted':
      return { ...state, siteId: event.data.siteId, week: event.data.week, completedAt: event.data.at, completedBy: event.data.by };
    case 'WeeklyCheckChased':
      return {
        ...state,
        siteId: event.data.siteId,
        week: event.data.week,
        chaseKeys: [...state.chaseKeys, event.data.key],
        chaseLevel: Math.max(state.chaseLevel ?? 0, event.data.level),
        lastChasedAt: event.data.at,
      };
    default:
      return state;
  }
};

/** A check may be worked on from the week's Monday on (not for a week still to come). */
const assertWeekBegun = (week: string, timeZone: string, now: string, action: string): void => {
  if (localDateOf(toMillis(now), timeZone) < weekDates(week).from) throw new InvalidStateError(action, 'week not begun', `${week} has not begun at the site`);
};

const checkWeek = (problems: ProblemList, data: { siteId: string; week: string }): void => {
  problems.check(typeof data.siteId === 'string' && data.siteId !== '', 'siteId', 'required');
  problems.check(isIsoWeek(data.week), 'week', 'must be an ISO week, YYYY-Www');
};

export const decideWeeklyCheck = (command: WeeklyCheckCommand, state: WeeklyCheckState): WeeklyCheckEvent[] => {
  const { now, actor } = command.metadata;
  switch (command.type) {
    case 'RecordCheckFinding': {
      assertDeskRole(actor, WEEKLY_CHECK_ROLES, 'record weekly check findings');
      const d = command.data;
      const problems = new ProblemList();
      checkWeek(problems, d);
      problems.check(CHECK_FINDING_OUTCOMES.includes(d.outcome), 'outcome', `one of ${CHECK_FINDING_OUTCOMES.join(', ')}`);
      problems.check(d.outcome !== 'issue' || (typeof d.note === 'string' && d.note.trim() !== ''), 'note', 'required when the outcome is an issue: say what is wrong');
      problems.check(d.note === undefined || (typeof d.note === 'string' && d.note.length <= 2000), 'note', 'at most 2000 characters');
      problems.throwIfAny();
      if (state.completedAt) throw new InvalidStateError('record a finding', 'completed', `the check of ${d.week} was completed at ${state.completedAt}`);
      assertWeekBegun(d.week, d.timeZone, now, 'record a finding');
      const note = d.note?.trim() || null;
      const previous = state.findings[d.complaintId];
      if (previous && previous.outcome === d.outcome && previous.note === note) return [];
      return [{ type: 'WeeklyCheckFindingRecorded', data: { siteId: d.siteId, week: d.week, complaintId: d.complaintId, number: d.number, outcome: d.outcome, note, at: now, by: actor } }];
    }
    case 'CompleteWeeklyCheck': {
      assertDeskRole(actor, WEEKLY_CHECK_ROLES, 'complete a weekly check');
      const d = command.data;
      const problems = new ProblemList();
      checkWeek(problems, d);
      problems.throwIfAny();
      if (state.completedAt) return [];
      assertWeekBegun(d.week, d.timeZone, now, 'complete the weekly check');
      const missing = d.agenda.filter((item) => !state.findings[item.complaintId]);
      if (missing.length > 0) {
        throw new InvalidStateError('complete the weekly check', 'findings missing', `no finding yet for ${missing.map((m) => m.number).join(', ')}`);
      }
      const findings = Object.values(state.findings);
      return [
        {
          type: 'WeeklyCheckCompleted',
          data: { siteId: d.siteId, week: d.week, checked: findings.length, issues: findings.filter((f) => f.outcome === 'issue').length, note: d.note?.trim() || null, at: now, by: actor },
        },
      ];
    }
    case 'ChaseWeeklyCheck': {
      assertDeskRole(actor, ['system'], 'chase a weekly check');
      const d = command.data;
      if (state.completedAt || state.chaseKeys.includes(d.key)) return [];
      return [{ type: 'WeeklyCheckChased', data: { siteId: d.siteId, week: d.week, dueAt: d.dueAt, level: d.level, to: d.to, key: d.key, at: now } }];
    }
    default:
      return [];
  }
};

export const weeklyCheckDecider = { initialState: initialWeeklyCheckState, evolve: evolveWeeklyCheck, decide: decideWeeklyCheck };

export const weeklyChaseKey = (siteId: string, week: string, level: number): string => `weekly-check:${siteId}:${week}:${level}`;

export type WeeklyCheckReviewInput = {
  siteId: string;
  now: string;
  calendar: WorkingCalendar;
  policy: Pick<ComplaintPolicy, 'reporting' | 'escalation'>;
  /** The folded checks of the site's recent weeks, by week (absent: never touched). */
  checks: Readonly<Record<string, Pick<WeeklyCheckState, 'completedAt' | 'chaseKeys'>>>;
};

/**
 * The scheduler's rule for weekly checks: for each of the last WEEKLY_CHECK_LOOKBACK_WEEKS
 * finished weeks whose check is not completed and is past due, the chase step now due — level
 * n once n grace periods have passed since the due time, up to the top of
 * WEEKLY_CHECK_CHASE_CHAIN — unless that step's key was already applied.
 */
export const reviewWeeklyChecks = (input: WeeklyCheckReviewInput): ChaseWeeklyCheck[] => {
  if (!input.policy.reporting.weeklyRecordCheck) return [];
  const { calendar, now, siteId } = input;
  const nowMs = toMillis(now);
  const commands: ChaseWeeklyCheck[] = [];
  let week = previousWeek(isoWeekOf(localDateOf(nowMs, calendar.timeZone)));
  const grace = input.policy.escalation.graceAfterChase.normal;
  for (let i = 0; i < WEEKLY_CHECK_LOOKBACK_WEEKS; i++, week = previousWeek(week)) {
    const check = input.checks[week];
    if (check?.completedAt) continue;
    const dueAt = weeklyCheckDueAt(week, calendar);
    if (toMillis(dueAt) >= nowMs) continue;
    let level = 0;
    while (level + 1 < WEEKLY_CHECK_CHASE_CHAIN.length && toMillis(applyDeadlineRuleRepeatedly(calendar, dueAt, grace, level + 1)) <= nowMs) level++;
    const key = weeklyChaseKey(siteId, week, level);
    if (check?.chaseKeys.includes(key)) continue;
    commands.push({
      type: 'ChaseWeeklyCheck',
      data: { siteId, week, dueAt, level, to: WEEKLY_CHECK_CHASE_CHAIN[level], key },
      metadata: { now, actor: { id: 'system:weekly-check-scheduler', role: 'system', name: 'Weekly check scheduler' } },
    });
  }
  return commands;
};
