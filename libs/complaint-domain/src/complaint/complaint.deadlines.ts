/**
 * Deadline rules of docs/process.md §4–5, computed by the decider when an event happens and stored in
 * that event (never recomputed on replay). Before triage the policy in the context applies;
 * from triage on, the rules snapshotted onto the complaint do.
 */
import { applyDeadlineRule, applyDeadlineRuleRepeatedly, type WorkingCalendar } from '../calendar/working-calendar';
import { earliest, toMillis } from '../common/iso-time';
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

/** 整改措施 rule for an urgency: `planByUrgency` where the rules have it, else `plan`. */
export const planRuleFor = (rules: DeadlinePolicy, urgency: Urgency) => rules.planByUrgency?.[urgency] ?? rules.plan;

/**
 * At triage: urgent and emergency cases tighten the first reply (same day / minutes) and must be
 * handled the same day; anything not finished gets a rectification plan within `plan`; the
 * assistant follows up; a valid complaint left unresolved `unresolvedMajorAfter` after receipt
 * turns major. An invalid complaint only owes its explanation.
 *
 * Seed rule "接报后三个工作日内" (within 3 working days of receiving the report): the first
 * reply, the plan and the resolution count from receipt, not from triage — an urgent complaint
 * triaged two days late is already overdue, not given a fresh "same day". Follow-ups, a cadence,
 * start at triage.
 */
export const triageDeadlines = (
  calendar: WorkingCalendar,
  rules: DeadlinePolicy,
  state: Complaint,
  triage: { nature: Nature; urgency: Urgency; major: boolean },
  now: string,
): Deadlines => {
  const deadlines: Deadlines = {};
  const receivedAt = state.receivedAt;
  if (state.firstReplyAt === undefined) {
    deadlines.firstReply = earliest(state.deadlines.firstReply, applyDeadlineRule(calendar, receivedAt, rules.firstReply[triage.urgency]));
  }
  if (state.deadlines.secondReply !== undefined) deadlines.secondReply = state.deadlines.secondReply;
  deadlines.resolve = applyDeadlineRule(calendar, receivedAt, rules.resolve[triage.urgency]);
  if (triage.nature !== 'invalid') {
    deadlines.plan = applyDeadlineRule(calendar, receivedAt, planRuleFor(rules, triage.urgency));
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
  plan: applyDeadlineRule(calendar, now, planRuleFor(rules, urgency)),
  resolve: applyDeadlineRule(calendar, now, rules.resolve[urgency]),
  followUp: followUpDue(calendar, rules, now),
});

/**
 * The latest date a rectification plan may set for the resolution without an approved
 * extension: `resolveSpecialCaseLimit` ("7 working days for special cases") from receipt, or
 * from the reopening when the complaint was reopened. Undefined when the rules have no limit.
 */
export const specialCaseLimit = (calendar: WorkingCalendar, rules: DeadlinePolicy, state: Pick<Complaint, 'receivedAt' | 'reopenedAt'>): string | undefined =>
  rules.resolveSpecialCaseLimit === undefined ? undefined : applyDeadlineRule(calendar, state.reopenedAt ?? state.receivedAt, rules.resolveSpecialCaseLimit);

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

/**
 * The seeds' emergency chain: the steps (1 = site head, 2 = company head) with the instant each
 * falls due — minutes after receipt, or after the reopening of a reopened complaint — and the
 * escalation level it raises the complaint to. Empty for a complaint that is not an emergency.
 */
export const emergencyChain = (
  policy: Pick<ComplaintPolicy, 'escalation'>,
  state: Pick<Complaint, 'urgency' | 'receivedAt' | 'reopenedAt'>,
): { step: number; dueAt: string; level: number; role: string; minutes: number }[] => {
  if (state.urgency !== 'emergency') return [];
  const e = policy.escalation.emergency;
  const from = toMillis(state.reopenedAt ?? state.receivedAt);
  return [
    { minutes: e.siteHeadEscalationMinutes, role: e.siteHeadRole },
    { minutes: e.companyHeadEscalationMinutes, role: e.companyHeadRole },
  ].map(({ minutes, role }, i) => ({ step: i + 1, dueAt: new Date(from + minutes * 60_000).toISOString(), level: policy.escalation.chain.indexOf(role), role, minutes }));
};

/** Key of an emergency-chain step: `<complaintId>:emergency:<from>:escalate:<step>` (a reopening starts a new chain). */
export const emergencyKey = (complaintId: string, state: Pick<Complaint, 'receivedAt' | 'reopenedAt'>, step: number): string =>
  `${complaintId}:emergency:${new Date(toMillis(state.reopenedAt ?? state.receivedAt)).toISOString()}:escalate:${step}`;

/** When escalation step `step` of an overdue deadline falls due: `step` graces (by urgency) after the due time. */
export const escalationDueAt = (
  policy: Pick<ComplaintPolicy, 'escalation'>,
  calendar: WorkingCalendar,
  state: Pick<Complaint, 'urgency'>,
  dueAt: string,
  step: number,
): string => applyDeadlineRuleRepeatedly(calendar, dueAt, policy.escalation.graceAfterChase[state.urgency ?? 'normal'], step);
