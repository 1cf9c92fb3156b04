/** Compensation, outreach, archive and erasure of personal data. Part of decide (../complaint.decider.ts). */
import type { Role } from '../../common/actor';
import { ForbiddenError, InvalidStateError, ProblemList } from '../../common/domain-errors';
import { siteDate } from '../../calendar/working-calendar';
import { type ComplaintPolicy } from '../../policy/policy';
import type { ApproveCompensation, ArchiveComplaint, ErasePersonalData, RecordOutreach } from '../complaint.commands';
import type { ComplaintEvent } from '../complaint.events';
import { assertExists, assertNoConflictOfInterest, assertNotArchived, assertRole, assertStatus } from '../complaint.guards';
import { type ComplaintState } from '../complaint.state';
import { type DecisionContext } from '../decision-context';
import { PERSONAL_FIELDS } from '../personal-data';
import { OUTREACH_KINDS } from '../complaint.types';
import { HANDLING, base, checkText, isAbsent, isOneOf } from './shared';


/** The lowest approver whose authority limit covers `total` (核决权限: over a limit, the next one up approves). */
export const nextCompensationApprover = (policy: ComplaintPolicy, total: number): Role | undefined => {
  const covering = policy.permissions.ApproveCompensation.flatMap((role): [Role, number][] => {
    const limit = policy.compensation.approvalLimits[role];
    if (limit === undefined) return [];
    const value = limit === 'unlimited' ? Number.POSITIVE_INFINITY : limit;
    return value >= total ? [[role, value]] : [];
  });
  return covering.sort((a, b) => a[1] - b[1])[0]?.[0];
};

/** Compensation (赔偿/补偿) only within the approver's authority limit (核决权限). */
export const approveCompensation = (command: ApproveCompensation, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  assertStatus(complaint, [...HANDLING, 'resolved'], 'approve compensation');
  assertNoConflictOfInterest(complaint, actor, 'approve compensation on it');
  const problems = new ProblemList();
  problems.check(typeof command.data.amount === 'number' && Number.isFinite(command.data.amount) && command.data.amount > 0, 'amount', 'must be a positive amount');
  checkText(problems, command.data.reason, 'reason', 1_000);
  problems.throwIfAny();
  const limit = policy.compensation.approvalLimits[actor.role];
  if (limit === undefined) throw new ForbiddenError('authority_limit', `Role '${actor.role}' has no compensation authority`);
  // 核决权限 applies per complaint: five approvals of 1,000 are a 5,000 compensation.
  const total = complaint.compensationTotal + command.data.amount;
  if (limit !== 'unlimited' && total > limit) {
    const already = complaint.compensationTotal > 0 ? ` (with the ${complaint.compensationTotal} already approved on this complaint: ${total})` : '';
    const next = nextCompensationApprover(policy, total);
    throw new ForbiddenError(
      'authority_limit',
      `${command.data.amount} ${policy.compensation.currency}${already} exceeds the ${actor.role} limit of ${limit}; ${next ? `it goes to the ${next} for approval` : 'no role may approve that much'}`,
      { amount: command.data.amount, total, limit, currency: policy.compensation.currency, role: actor.role, ...(next ? { next } : {}) },
    );
  }
  return [{ type: 'CompensationApproved', data: { ...base(complaint.id, command), amount: command.data.amount, currency: policy.compensation.currency, reason: command.data.reason } }];
};

/** Visits, public notices, residents' meetings (座谈会) — allowed until the record is sealed. */
export const recordOutreach = (command: RecordOutreach, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  assertNotArchived(complaint, 'record outreach');
  const problems = new ProblemList();
  problems.check(isOneOf(OUTREACH_KINDS, command.data.kind), 'kind', `must be one of ${OUTREACH_KINDS.join(', ')}`);
  checkText(problems, command.data.note, 'note');
  problems.throwIfAny();
  return [{ type: 'OutreachRecorded', data: { ...base(complaint.id, command), kind: command.data.kind, note: command.data.note } }];
};

/** Year-end sealing (装订封存): closed records of the year, from the year's last day on. */
export const archiveComplaint = (command: ArchiveComplaint, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  if (complaint.archived) throw new InvalidStateError('archive the complaint', complaint.status, `already archived for ${complaint.archiveYear}`);
  assertStatus(complaint, ['closed'], 'archive the complaint', 'only closed complaints are sealed');
  const closedYear = Number(siteDate(calendar, complaint.closedAt ?? complaint.lastEventAt).slice(0, 4));
  const year = isAbsent(command.data.year) ? closedYear : command.data.year;
  const problems = new ProblemList();
  problems.check(Number.isInteger(year) && year >= closedYear, 'year', `must be ${closedYear} or later (the complaint closed in ${closedYear})`);
  problems.check(siteDate(calendar, command.metadata.now) >= `${year}-12-31`, 'year', `year-end sealing of ${year} starts on ${year}-12-31`);
  problems.throwIfAny();
  return [{ type: 'ComplaintArchived', data: { ...base(complaint.id, command), year } }];
};

/**
 * Erasure of the complainant's personal data (个人信息删除): allowed in any status, archived
 * records included (their archive holds only encrypted values). Erasing again changes nothing.
 */
export const erasePersonalData = (command: ErasePersonalData, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  const problems = new ProblemList();
  checkText(problems, command.data.reason, 'reason', 1_000);
  problems.throwIfAny();
  if (complaint.personalDataErased) return [];
  return [{ type: 'PersonalDataErased', data: { ...base(complaint.id, command), fields: [...PERSONAL_FIELDS], reason: command.data.reason } }];
};
