/**
 * The scheduler's pure half: given a complaint's state, the policy, the calendar and `now`,
 * which deadlines are overdue and which commands to issue. The service runs this over its
 * deadlines table and sends the commands through the normal command path.
 *
 * For each overdue deadline: first a chase notice (催办); then, while it stays overdue, one
 * escalation level per `escalation.graceAfterChase[urgency]` elapsed since the due time, counted
 * from the level the complaint was at when chased, up to the top of the chain. A scheduler that
 * was down catches up in one command (step = graces elapsed). A valid complaint past `unresolvedMajor` is flagged major instead. Every command
 * carries a deterministic key (`<complaintId>:<deadline>:<dueAt>:<action>`), and the decider
 * applies each key at most once — so a replay, a restart or a second scheduler instance can
 * issue the same command again without chasing or escalating twice. An emergency also gets the
 * rest of its chain: the department notice at once, the site head and company head at their
 * minutes, and a chase of each written report missing at its hour (stages/emergency.ts).
 */
import { SYSTEM_ACTOR, type Actor } from '../common/actor';
import { canonicalInstant, toMillis } from '../common/iso-time';
import { topEscalationLevel } from '../policy/policy';
import type { ChaseOverdueDeadline, ChaseWrittenReport, EscalateEmergency, EscalateOverdueDeadline, MarkComplaintMajor, NotifyEmergencyDepartment } from './complaint.commands';
import { deadlineActionKey, emergencyChain, emergencyKey, escalationDueAt, overdueDeadlines } from './complaint.deadlines';
import { chaseLevelKey, type ComplaintState } from './complaint.state';
import type { DeadlineName } from './complaint.types';
import { resolveDecisionContext, type DecisionContext } from './decision-context';
import { departmentNoticeKey, writtenReportChaseKey, writtenReportSchedule } from './stages/emergency';

export type SchedulerCommand =
  | ChaseOverdueDeadline
  | EscalateOverdueDeadline
  | MarkComplaintMajor
  | EscalateEmergency
  | NotifyEmergencyDepartment
  | ChaseWrittenReport;

/** Statuses in which the emergency chain runs: until the emergency is resolved. */
const EMERGENCY_CHAIN_STATUSES = ['registered', 'triaged', 'in_progress', 'reopened'];

export type DeadlineReview = {
  overdue: { deadline: DeadlineName; dueAt: string }[];
  commands: SchedulerCommand[];
  /** The earliest future instant at which this review would change (next due time or grace end), for the timer table. */
  nextCheckAt?: string;
};

export const reviewDeadlines = (
  state: ComplaintState,
  now: string,
  context?: Partial<DecisionContext>,
  actor: Actor = SYSTEM_ACTOR,
): DeadlineReview => {
  if (!state.exists || state.archived || state.status === 'closed') return { overdue: [], commands: [] };
  const { policy, calendar } = resolveDecisionContext(context);
  const at = canonicalInstant(now);
  const metadata = { now: at, actor };
  const commands: SchedulerCommand[] = [];
  const future: number[] = [];
  // An emergency's written reports (书面报告): each one missing at its hour is chased once
  // (while the complaint is open: a closed complaint is never handled again).
  for (const due of writtenReportSchedule(policy, state)) {
    if ((state.writtenReports ?? 0) >= due.report) continue;
    const key = writtenReportChaseKey(state.id, due.dueAt);
    if (toMillis(due.dueAt) > toMillis(at)) future.push(toMillis(due.dueAt));
    else if (!state.processedKeys.includes(key)) commands.push({ type: 'ChaseWrittenReport', data: { report: due.report, key }, metadata });
  }
  const overdue = overdueDeadlines(state, at);
  future.push(
    ...Object.values(state.deadlines)
      .map((dueAt) => toMillis(dueAt as string))
      .filter((ms) => ms > toMillis(at)),
  );

  for (const { deadline, dueAt } of overdue) {
    if (deadline === 'unresolvedMajor') {
      const key = deadlineActionKey(state.id, deadline, dueAt, 'mark_major');
      if (state.nature === 'valid' && !state.major && !state.processedKeys.includes(key)) {
        commands.push({ type: 'MarkComplaintMajor', data: { reasons: ['unresolved_one_month'], key }, metadata });
      }
      continue;
    }
    const chaseKey = deadlineActionKey(state.id, deadline, dueAt, 'chase');
    if (!state.processedKeys.includes(chaseKey)) {
      commands.push({ type: 'ChaseOverdueDeadline', data: { deadline, dueAt, key: chaseKey }, metadata });
      continue;
    }
    // Escalation: one level per grace elapsed since the due time, counted from the level at the chase.
    const chasedAt = state.chaseLevels[chaseLevelKey(deadline, dueAt)] ?? state.escalationLevel;
    const maxSteps = topEscalationLevel(policy) - chasedAt;
    let stepsDue = 0;
    while (stepsDue < maxSteps && toMillis(escalationDueAt(policy, calendar, state, dueAt, stepsDue + 1)) <= toMillis(at)) stepsDue++;
    const key = deadlineActionKey(state.id, deadline, dueAt, `escalate:${stepsDue}`);
    if (stepsDue > 0 && chasedAt + stepsDue > state.escalationLevel && !state.processedKeys.includes(key)) {
      commands.push({ type: 'EscalateOverdueDeadline', data: { deadline, dueAt, step: stepsDue, key }, metadata });
    }
    if (stepsDue < maxSteps) future.push(toMillis(escalationDueAt(policy, calendar, state, dueAt, stepsDue + 1)));
  }
  // The emergency chain (抢险抢修): site head and company head at fixed minutes after receipt,
  // while the emergency is unresolved — whether or not a deadline is overdue yet.
  if (EMERGENCY_CHAIN_STATUSES.includes(state.status)) {
    // First link: the responsible department is told at once (within notifyDepartmentMinutes of receipt).
    const noticeKey = departmentNoticeKey(state);
    if (state.urgency === 'emergency' && !state.processedKeys.includes(noticeKey)) {
      commands.push({ type: 'NotifyEmergencyDepartment', data: { key: noticeKey }, metadata });
    }
    for (const link of emergencyChain(policy, state)) {
      if (state.escalationLevel >= link.level) continue;
      const key = emergencyKey(state.id, state, link.step);
      if (toMillis(link.dueAt) > toMillis(at)) future.push(toMillis(link.dueAt));
      else if (!state.processedKeys.includes(key)) commands.push({ type: 'EscalateEmergency', data: { step: link.step, key }, metadata });
    }
  }
  const nextCheckAt = future.length > 0 ? new Date(Math.min(...future)).toISOString() : undefined;
  return nextCheckAt === undefined ? { overdue, commands } : { overdue, commands, nextCheckAt };
};
