/**
 * Deadline rules of docs/process.md §4–5, computed by the decider when an event happens and stored in
 * that event (never recomputed on replay). Before triage the policy in the context applies;
 * from triage on, the rules snapshotted onto the complaint do.
 */
import { applyDeadlineRule, applyDeadlineRuleRepeatedly, type WorkingCalendar } from '../calendar/working-calendar';
import { earliest, toMillis } from '../shared/iso-time';
import type { ComplaintPolicy, DeadlinePolicy } from '../policy/policy';
import type { Complaint } from './complaint.state';
import type { DeadlineName, Deadlines, Nature, Urgency } from './complaint.types';

export const deadlineRulesFor = (state: Pick<Complaint, 'deadlineRules'> | undefined, policy: ComplaintPolicy): DeadlinePolicy =>
  state?.deadlineRules ?? policy.deadlines;

export const without = (deadlines: Deadlines, ...names: DeadlineName[]): Deadlines => {
  const result: Deadlines = { ...deadlines };
  for (const name of names) delete result[name];
  return result;
};

/** 跟进: every `followUp`, and never later than the weekly progress contact. */
export const followUpDue = (calendar: WorkingCalendar, rules: DeadlinePolicy, from: string, agreed?: string): string => {
  const byPolicy = earliest(applyDeadlineRule(calendar, from, rules.followUp), applyDeadlineRule(calendar, from, rules.progressContact)) as string;
  return agreed !== undefined && toMillis(agreed) < toMillis(byPolicy) ? agreed : byPolicy;
};

/** At registration: the first reply is due `firstReply.normal` after receipt. */
export const registrationDeadlines = (calendar: WorkingCalendar, rules: DeadlinePolicy, receivedAt: string): Deadlines => ({
  firstReply: applyDeadlineRule(calendar, receivedAt, rules.firstReply.normal),
});

/**
 * At triage: urgent and emergency cases tighten the first reply (same day / minutes) and must be
 * handled the same day; anything not finished gets a rectification plan within `plan`; the
 * assistant follows up; a valid complaint left unresolved `unresolvedMajorAfter` after receipt
 * turns major. An invalid complaint only owes its explanation.
 */
export const triageDeadlines = (
  calendar: WorkingCalendar,
  rules: DeadlinePolicy,
  state: Complaint,
  triage: { nature: Nature; urgency: Urgency; major: boolean },
  now: string,
): Deadlines => {
  const deadlines: Deadlines = {};
  if (state.firstReplyAt === undefined) {
    deadlines.firstReply = earliest(state.deadlines.firstReply, applyDeadlineRule(calendar, now, rules.firstReply[triage.urgency]));
  }
  if (state.deadlines.secondReply !== undefined) deadlines.secondReply = state.deadlines.secondReply;
  deadlines.resolve = applyDeadlineRule(calendar, now, rules.resolve[triage.urgency]);
  if (triage.nature !== 'invalid') {
    deadlines.plan = applyDeadlineRule(calendar, now, rules.plan);
    deadlines.followUp = followUpDue(calendar, rules, now);
  }
  if (triage.nature === 'valid' && !triage.major) {
    deadlines.unresolvedMajor = applyDeadlineRule(calendar, state.receivedAt, rules.unresolvedMajorAfter);
  }
  return deadlines;
};

/** Reopened after a dissatisfied callback: handled again within fresh deadlines. */
export const reopenDeadlines = (calendar: WorkingCalendar, rules: DeadlinePolicy, urgency: Urgency, now: string): Deadlines => ({
  firstReply: applyDeadlineRule(calendar, now, rules.firstReply[urgency]),
  plan: applyDeadlineRule(calendar, now, rules.plan),
  resolve: applyDeadlineRule(calendar, now, rules.resolve[urgency]),
  followUp: followUpDue(calendar, rules, now),
});

/** Deadlines at or before `now`, earliest first. */
export const overdueDeadlines = (state: Pick<Complaint, 'deadlines'>, now: string): { deadline: DeadlineName; dueAt: string }[] =>
  (Object.entries(state.deadlines) as [DeadlineName, string][])
    .filter(([, dueAt]) => toMillis(dueAt) <= toMillis(now))
    .sort(([, a], [, b]) => toMillis(a) - toMillis(b))
    .map(([deadline, dueAt]) => ({ deadline, dueAt }));

export type DeadlineAction = 'chase' | `escalate:${number}` | 'mark_major';

/**
 * Deterministic idempotency key of a scheduler action: `<complaintId>:<deadline>:<dueAt>:<action>`.
 * The same overdue deadline always yields the same key, so a replay or a second scheduler
 * instance issuing the same action is recognised (the decider returns no events for a key it
 * has already applied) and can never chase or escalate twice.
 */
export const deadlineActionKey = (complaintId: string, deadline: DeadlineName, dueAt: string, action: DeadlineAction): string =>
  `${complaintId}:${deadline}:${new Date(toMillis(dueAt)).toISOString()}:${action}`;

/** When escalation step `step` of an overdue deadline falls due: `step` graces (by urgency) after the due time. */
export const escalationDueAt = (
  policy: Pick<ComplaintPolicy, 'escalation'>,
  calendar: WorkingCalendar,
  state: Pick<Complaint, 'urgency'>,
  dueAt: string,
  step: number,
): string => applyDeadlineRuleRepeatedly(calendar, dueAt, policy.escalation.graceAfterChase[state.urgency ?? 'normal'], step);
