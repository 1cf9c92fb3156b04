/** Handling (处理 / 跟进): replies, rectification plans, resolution, escalation, reassignment, major. Part of decide (../complaint.decider.ts). */
import type { Actor } from '../../common/actor';
import { InvalidStateError, ProblemList, ValidationError } from '../../common/domain-errors';
import { canonicalInstant, toMillis } from '../../common/iso-time';
import { compact, unique } from '../../common/object.util';
import { applyDeadlineRule } from '../../calendar/working-calendar';
import { topEscalationLevel, type ComplaintPolicy } from '../../policy/policy';
import type { ComplaintCommand, EscalateComplaint, MarkComplaintMajor, ReassignComplaint, RecordRectificationPlan, RecordReply, ResolveComplaint } from '../complaint.commands';
import { deadlineRulesFor, followUpDue, specialCaseLimit, without } from '../complaint.deadlines';
import type { ComplaintEvent, EventBase } from '../complaint.events';
import { assertAssignedHandler, assertExists, assertNoConflictOfInterest, assertNotSubject, assertRole, assertStatus } from '../complaint.guards';
import { type Complaint, type ComplaintState } from '../complaint.state';
import { type DecisionContext } from '../decision-context';
import { MAJOR_REASONS, type CloseBasis, type ComplaintStatus } from '../complaint.types';
import { ACTIVE, HANDLING, base, checkFutureInstant, checkText, isAbsent, isOneOf, isText, levelRole, markedMajor, optionalText } from './shared';


const assertCanHandle = (policy: ComplaintPolicy, complaint: Complaint, actor: Actor, action: string): void => {
  assertNoConflictOfInterest(complaint, actor, action);
  assertAssignedHandler(policy, complaint, actor, action);
};

/** Closing tells the first-contact owner (首问责任人) the outcome: they stay responsible to the end. */
export const closedEvent = (complaint: Complaint, command: ComplaintCommand, basis: CloseBasis): ComplaintEvent => ({
  type: 'ComplaintClosed',
  data: { ...base(complaint.id, command), basis, informFirstContactOwner: complaint.firstContactOwner },
});

/** An invalid complaint closes once its explanation is recorded. */
const explainInvalid = (complaint: Complaint, command: ComplaintCommand, explanation: string): ComplaintEvent[] => [
  { type: 'InvalidComplaintExplained', data: { ...base(complaint.id, command), explanation } },
  closedEvent(complaint, command, 'invalid_explained'),
];

const resolvedEvent = (
  complaint: Complaint,
  command: ComplaintCommand,
  ctx: DecisionContext,
  resolution: Omit<Extract<ComplaintEvent, { type: 'ComplaintResolved' }>['data'], keyof EventBase | 'deadlines'>,
): ComplaintEvent => {
  const rules = deadlineRulesFor(complaint, ctx.policy);
  return {
    type: 'ComplaintResolved',
    data: compact({ ...base(complaint.id, command), ...resolution, deadlines: { callback: applyDeadlineRule(ctx.calendar, command.metadata.now, rules.callback) } }),
  };
};

export const recordReply = (command: RecordReply, state: ComplaintState, ctx: DecisionContext): ComplaintEvent[] => {
  const { policy, calendar } = ctx;
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  const d = command.data;
  const action = d.kind === 'first' ? 'give a first reply' : d.kind === 'second' ? 'give a second reply' : 'record a progress note';
  assertStatus(complaint, ACTIVE, action);
  if (d.kind === 'first' && complaint.firstReplyAt !== undefined) throw new InvalidStateError(action, complaint.status, 'a first reply was already given');
  if (d.kind === 'second' && complaint.firstReplyAt === undefined) throw new InvalidStateError(action, complaint.status, 'no first reply has been given yet');
  if (d.kind === 'second' && complaint.secondReplyAt !== undefined) throw new InvalidStateError(action, complaint.status, 'a second reply was already given; record progress instead');
  // A complaint closes with its nature and category: resolving it on the spot needs triage first.
  if (d.resolvedOnSpot === true && complaint.status === 'registered') {
    throw new InvalidStateError('resolve the complaint on the spot', complaint.status, 'triage it first (nature, category, department): a complaint is never closed unclassified');
  }
  assertCanHandle(policy, complaint, actor, action);
  const now = canonicalInstant(command.metadata.now);
  const problems = new ProblemList();
  problems.check(['first', 'second', 'progress'].includes(d.kind), 'kind', 'must be first, second or progress');
  checkText(problems, d.message, 'message');
  problems.check(isAbsent(d.resolvedOnSpot) || typeof d.resolvedOnSpot === 'boolean', 'resolvedOnSpot', 'must be true or false');
  if (d.resolvedOnSpot === true && d.kind !== 'first') problems.add('resolvedOnSpot', 'only a first reply can resolve on the spot');
  if (!isAbsent(d.nextReplyDueAt)) {
    checkFutureInstant(problems, d.nextReplyDueAt, 'nextReplyDueAt', now);
    if (d.resolvedOnSpot === true) problems.add('nextReplyDueAt', 'nothing further is due when resolved on the spot');
  }
  problems.throwIfAny();

  const rules = deadlineRulesFor(complaint, policy);
  const agreed = isAbsent(d.nextReplyDueAt) ? undefined : canonicalInstant(d.nextReplyDueAt);
  // A reply before triage keeps a follow-up running, so an untriaged complaint is still chased.
  const tracksFollowUp = complaint.nature !== 'invalid';
  const withFollowUp = (deadlines: typeof complaint.deadlines, agreedContact?: string) =>
    tracksFollowUp ? { ...deadlines, followUp: followUpDue(calendar, rules, now, agreedContact) } : deadlines;

  if (d.kind === 'first') {
    if (complaint.nature === 'invalid') {
      return [{ type: 'FirstReplyGiven', data: { ...base(complaint.id, command), message: d.message, resolvedOnSpot: false, deadlines: {} } }, ...explainInvalid(complaint, command, d.message)];
    }
    if (d.resolvedOnSpot === true) {
      // Dealt with on the spot: a definite answer at once; only the callback remains.
      return [
        { type: 'FirstReplyGiven', data: { ...base(complaint.id, command), message: d.message, resolvedOnSpot: true, deadlines: {} } },
        resolvedEvent(complaint, command, ctx, { resolution: d.message, onSpot: true }),
      ];
    }
    // Otherwise a second-reply time is agreed with the complainant (default: policy secondReply).
    const secondReplyDueAt = agreed ?? applyDeadlineRule(calendar, now, rules.secondReply);
    return [
      {
        type: 'FirstReplyGiven',
        data: {
          ...base(complaint.id, command),
          message: d.message,
          resolvedOnSpot: false,
          secondReplyDueAt,
          deadlines: withFollowUp({ ...without(complaint.deadlines, 'firstReply'), secondReply: secondReplyDueAt }),
        },
      },
    ];
  }
  if (d.kind === 'second') {
    const deadlines = withFollowUp(without(complaint.deadlines, 'secondReply'), agreed);
    const second: ComplaintEvent = { type: 'SecondReplyGiven', data: { ...base(complaint.id, command), message: d.message, deadlines } };
    return complaint.nature === 'invalid' ? [{ ...second, data: { ...second.data, deadlines: {} } }, ...explainInvalid(complaint, command, d.message)] : [second];
  }
  return [{ type: 'ProgressNoted', data: { ...base(complaint.id, command), message: d.message, deadlines: withFollowUp(complaint.deadlines, agreed) } }];
};

/** Anything not finished the same day gets rectification measures (整改措施), communicated to the owner. */
export const recordPlan = (command: RecordRectificationPlan, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  assertStatus(complaint, HANDLING, 'record a rectification plan');
  if (complaint.nature === 'invalid') throw new InvalidStateError('record a rectification plan', complaint.status, 'an invalid complaint is explained, not rectified');
  assertCanHandle(policy, complaint, actor, 'record a rectification plan');
  const now = canonicalInstant(command.metadata.now);
  const problems = new ProblemList();
  checkText(problems, command.data.measures, 'measures');
  checkFutureInstant(problems, command.data.dueAt, 'dueAt', now);
  problems.throwIfAny();
  const dueAt = canonicalInstant(command.data.dueAt);
  const rules = deadlineRulesFor(complaint, policy);
  // Seeds: "done within 3 working days, 7 working days for special cases". A plan is the special
  // case; a date past the limit is an extension only an approver may grant, and even then the
  // resolution counts on time only until the limit.
  const limit = specialCaseLimit(calendar, rules, complaint);
  const extended = limit !== undefined && toMillis(dueAt) > toMillis(limit);
  if (extended && !policy.handling.extensionApproverRoles.includes(actor.role)) {
    throw new ValidationError([
      { field: 'dueAt', problem: `later than the special-case limit ${limit}; a longer time needs an extension approved by ${policy.handling.extensionApproverRoles.join(' or ')}` },
    ]);
  }
  return [
    {
      type: 'RectificationPlanRecorded',
      data: compact({
        ...base(complaint.id, command),
        measures: command.data.measures,
        dueAt,
        extension: extended ? { onTimeLimit: limit } : undefined,
        deadlines: { ...without(complaint.deadlines, 'plan'), resolve: dueAt, followUp: followUpDue(calendar, rules, now) },
      }),
    },
  ];
};

/** Resolution with root cause, responsible department/person and corrective/preventive actions (CAPA). */
export const resolveComplaint = (command: ResolveComplaint, state: ComplaintState, ctx: DecisionContext): ComplaintEvent[] => {
  const { policy } = ctx;
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  assertStatus(complaint, HANDLING, 'resolve the complaint');
  assertCanHandle(policy, complaint, actor, 'resolve it');
  const d = command.data;
  const problems = new ProblemList();
  checkText(problems, d.resolution, 'resolution');
  for (const field of ['rootCause', 'responsiblePerson', 'correctiveActions', 'preventiveActions'] as const) {
    problems.check(isAbsent(d[field]) || typeof d[field] === 'string', field, 'must be text');
  }
  if (!isAbsent(d.responsibleDepartment)) problems.check(isText(d.responsibleDepartment) && policy.departments.includes(d.responsibleDepartment), 'responsibleDepartment', `must be one of ${policy.departments.join(', ')}`);
  // Seed rule (纠正和预防措施): valid and to-be-improved complaints record the cause, who is
  // responsible, and the corrective and preventive actions.
  if (complaint.nature !== undefined && policy.handling.requireRootCauseFor.includes(complaint.nature)) {
    for (const field of policy.handling.requiredCapaFields) problems.check(isText(d[field]), field, `required for ${complaint.nature} complaints`);
  }
  problems.throwIfAny();
  if (complaint.nature === 'invalid') return explainInvalid(complaint, command, d.resolution);
  return [
    resolvedEvent(complaint, command, ctx, {
      resolution: d.resolution,
      rootCause: optionalText(d.rootCause),
      responsibleDepartment: optionalText(d.responsibleDepartment),
      responsiblePerson: optionalText(d.responsiblePerson),
      correctiveActions: optionalText(d.correctiveActions),
      preventiveActions: optionalText(d.preventiveActions),
      onSpot: false,
    }),
  ];
};

/** Manual escalation one level up the chain (assistant → CS manager → general manager → company). */
export const escalateComplaint = (command: EscalateComplaint, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  assertStatus(complaint, ACTIVE, 'escalate the complaint');
  const problems = new ProblemList();
  checkText(problems, command.data.reason, 'reason', 1_000);
  problems.throwIfAny();
  const top = topEscalationLevel(policy);
  if (complaint.escalationLevel >= top) throw new InvalidStateError('escalate the complaint', complaint.status, `already at the top of the escalation chain (${levelRole(policy, top)})`);
  const toLevel = complaint.escalationLevel + 1;
  return [
    {
      type: 'ComplaintEscalated',
      data: { ...base(complaint.id, command), fromLevel: complaint.escalationLevel, toLevel, escalatedTo: levelRole(policy, toLevel), reason: command.data.reason, automatic: false },
    },
  ];
};

export const reassignComplaint = (command: ReassignComplaint, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  assertStatus(complaint, HANDLING, 'reassign the complaint');
  const d = command.data;
  const problems = new ProblemList();
  problems.check(isText(d.department) && policy.departments.includes(d.department), 'department', `must be one of ${policy.departments.join(', ')}`);
  problems.check(isAbsent(d.assignee) || isText(d.assignee), 'assignee', 'must be an employee id');
  checkText(problems, d.reason, 'reason', 1_000);
  problems.throwIfAny();
  const assignee = optionalText(d.assignee);
  assertNotSubject(complaint, assignee, 'handler');
  if (d.department === complaint.department && assignee === complaint.assignee) throw new ValidationError([{ field: 'department', problem: 'already assigned there' }]);
  return [
    {
      type: 'ComplaintReassigned',
      data: compact({
        ...base(complaint.id, command),
        fromDepartment: complaint.department,
        department: d.department,
        fromAssignee: complaint.assignee,
        assignee,
        reason: d.reason,
      }),
    },
  ];
};

/** Flags a complaint major after intake/triage; also the scheduler's "unresolved after a month". */
export const markMajor = (command: MarkComplaintMajor, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  const key = optionalText(command.data.key);
  if (key !== undefined && complaint.processedKeys.includes(key)) return [];
  const eligible: readonly ComplaintStatus[] = [...ACTIVE, 'resolved'];
  if (key !== undefined && (complaint.archived || !eligible.includes(complaint.status) || complaint.nature === 'invalid')) return [];
  assertStatus(complaint, eligible, 'mark the complaint major');
  if (complaint.nature === 'invalid') throw new InvalidStateError('mark the complaint major', complaint.status, 'an invalid complaint cannot be major');
  const problems = new ProblemList();
  problems.check(Array.isArray(command.data.reasons) && command.data.reasons.length > 0 && command.data.reasons.every((r) => isOneOf(MAJOR_REASONS, r)), 'reasons', `one or more of ${MAJOR_REASONS.join(', ')}`);
  problems.check(isAbsent(command.data.note) || typeof command.data.note === 'string', 'note', 'must be text');
  problems.throwIfAny();
  const reasons = unique(command.data.reasons).filter((r) => !complaint.majorReasons.includes(r));
  if (reasons.length === 0) return [];
  return [markedMajor(complaint, command, policy, reasons, complaint.escalationLevel, { note: optionalText(command.data.note), key })];
};
