/** Chasing and escalation by the scheduler (催办 / 升级) — idempotent by key. Part of decide (../complaint.decider.ts). */
import { ProblemList, ValidationError } from '../../common/domain-errors';
import { canonicalInstant, isIsoInstant, toMillis } from '../../common/iso-time';
import { compact } from '../../common/object.util';
import { topEscalationLevel } from '../../policy/policy';
import type { ChaseOverdueDeadline, EscalateEmergency, EscalateOverdueDeadline } from '../complaint.commands';
import { deadlineActionKey, emergencyChain, emergencyKey, escalationDueAt } from '../complaint.deadlines';
import type { ComplaintEvent } from '../complaint.events';
import { assertExists, assertRole } from '../complaint.guards';
import { chaseLevelKey, type Complaint, type ComplaintState } from '../complaint.state';
import { type DecisionContext } from '../decision-context';
import { DEADLINE_NAMES, type ComplaintStatus, type DeadlineName } from '../complaint.types';
import { ACTIVE, base, isOneOf, isText, levelRole } from './shared';


const SCHEDULED_STATUSES: readonly ComplaintStatus[] = [...ACTIVE, 'resolved'];

const checkScheduledKey = (deadline: DeadlineName, dueAt: string, key: string, expected: string): void => {
  const problems = new ProblemList();
  problems.check(isOneOf(DEADLINE_NAMES, deadline), 'deadline', `must be one of ${DEADLINE_NAMES.join(', ')}`);
  problems.check(deadline !== 'unresolvedMajor', 'deadline', 'unresolvedMajor is acted on by MarkComplaintMajor, not chased');
  problems.check(isIsoInstant(dueAt), 'dueAt', 'must be an ISO-8601 instant');
  problems.check(key === expected, 'key', `must be ${expected}`);
  problems.throwIfAny();
};

/** Is this deadline still the one in force? A met or moved deadline makes the action stale. */
const isCurrent = (complaint: Complaint, deadline: DeadlineName, dueAt: string): boolean =>
  !complaint.archived && SCHEDULED_STATUSES.includes(complaint.status) && complaint.deadlines[deadline] !== undefined && toMillis(complaint.deadlines[deadline] as string) === toMillis(dueAt);

export const chaseOverdueDeadline = (command: ChaseOverdueDeadline, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  const { deadline, dueAt, key } = command.data;
  checkScheduledKey(deadline, dueAt, key, isIsoInstant(dueAt) ? deadlineActionKey(complaint.id, deadline, dueAt, 'chase') : '');
  if (complaint.processedKeys.includes(key) || !isCurrent(complaint, deadline, dueAt)) return [];
  if (toMillis(command.metadata.now) < toMillis(dueAt)) throw new ValidationError([{ field: 'dueAt', problem: 'the deadline has not passed yet' }]);
  return [
    {
      type: 'DeadlineChased',
      data: compact({
        ...base(complaint.id, command),
        deadline,
        dueAt: canonicalInstant(dueAt),
        key,
        escalationLevel: complaint.escalationLevel,
        notifyRole: levelRole(policy, complaint.escalationLevel),
        notifyDepartment: complaint.department,
      }),
    },
  ];
};

/**
 * Still overdue `step` graces after its due time → the complaint goes to the level `step` above
 * the one it was chased at (normally one level up per grace). Several deadlines overdue together
 * therefore raise it once, not once each; and the same key is never applied twice.
 */
export const escalateOverdueDeadline = (command: EscalateOverdueDeadline, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  const { deadline, dueAt, key, step } = command.data;
  const validStep = Number.isInteger(step) && step >= 1;
  if (!validStep) throw new ValidationError([{ field: 'step', problem: 'must be a whole number ≥ 1' }]);
  checkScheduledKey(deadline, dueAt, key, isIsoInstant(dueAt) ? deadlineActionKey(complaint.id, deadline, dueAt, `escalate:${step}`) : '');
  if (complaint.processedKeys.includes(key) || !isCurrent(complaint, deadline, dueAt)) return [];
  const chasedAt = complaint.chaseLevels[chaseLevelKey(deadline, canonicalInstant(dueAt))];
  if (chasedAt === undefined) throw new ValidationError([{ field: 'step', problem: 'the overdue deadline has not been chased yet' }]);
  const escalateAt = escalationDueAt(policy, calendar, complaint, canonicalInstant(dueAt), step);
  if (toMillis(command.metadata.now) < toMillis(escalateAt)) throw new ValidationError([{ field: 'step', problem: `the grace runs until ${escalateAt}` }]);
  const toLevel = Math.min(topEscalationLevel(policy), chasedAt + step);
  if (complaint.escalationLevel >= toLevel) return [];
  return [
    {
      type: 'ComplaintEscalated',
      data: {
        ...base(complaint.id, command),
        fromLevel: complaint.escalationLevel,
        toLevel,
        escalatedTo: levelRole(policy, toLevel),
        reason: `${deadline} overdue since ${canonicalInstant(dueAt)}`,
        automatic: true,
        deadline,
        dueAt: canonicalInstant(dueAt),
        key,
      },
    },
  ];
};

/**
 * The seeds' emergency chain (抢险抢修): an unresolved emergency goes to the site head within 5
 * minutes of receipt and to the company head within 10 — not only once a deadline is overdue.
 * A step already reached (by the chain or otherwise), a stale key (the complaint was reopened,
 * or is no longer an emergency) or a complaint no longer being handled changes nothing.
 */
export const escalateEmergency = (command: EscalateEmergency, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  const { step, key } = command.data;
  const problems = new ProblemList();
  problems.check(Number.isInteger(step) && step >= 1 && step <= 2, 'step', 'must be 1 (site head) or 2 (company head)');
  problems.check(isText(key), 'key', 'required');
  problems.throwIfAny();
  const link = emergencyChain(policy, complaint).find((l) => l.step === step);
  if (link === undefined || key !== emergencyKey(complaint.id, complaint, step)) return [];
  if (complaint.archived || !ACTIVE.includes(complaint.status) || complaint.processedKeys.includes(key)) return [];
  if (toMillis(command.metadata.now) < toMillis(link.dueAt)) throw new ValidationError([{ field: 'step', problem: `the emergency chain reaches this step at ${link.dueAt}` }]);
  if (complaint.escalationLevel >= link.level) return [];
  return [
    {
      type: 'ComplaintEscalated',
      data: {
        ...base(complaint.id, command),
        fromLevel: complaint.escalationLevel,
        toLevel: link.level,
        escalatedTo: levelRole(policy, link.level),
        reason: `emergency chain: ${link.role} within ${link.minutes} minutes of receipt`,
        automatic: true,
        key,
      },
    },
  ];
};
