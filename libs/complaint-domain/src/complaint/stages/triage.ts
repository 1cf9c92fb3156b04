/** Triage (判别 / 分类): referral to the CS centre manager and the triage decision. Part of decide (../complaint.decider.ts). */
import { ForbiddenError, InvalidStateError, ProblemList, ValidationError } from '../../common/domain-errors';
import { canonicalInstant } from '../../common/iso-time';
import { compact, unique } from '../../common/object.util';
import { escalationLevelOf } from '../../policy/policy';
import type { ReferComplaintToManager, TriageComplaint } from '../complaint.commands';
import { triageDeadlines } from '../complaint.deadlines';
import type { ComplaintEvent } from '../complaint.events';
import { assertExists, assertNoConflictOfInterest, assertNotSubject, assertRole, assertStatus } from '../complaint.guards';
import { type ComplaintState } from '../complaint.state';
import { type DecisionContext } from '../decision-context';
import { INVALID_REASONS, MAJOR_REASONS, NATURES, SEVERITIES, URGENCIES, type MajorReason } from '../complaint.types';
import { base, checkEmployeeIds, checkText, isAbsent, isOneOf, isText, markedMajor, optionalText } from './shared';
import { checkTriageExplanations, triageExplanations } from '../../triage/triage-explanations';


/** If the duty officer cannot judge the nature, the case goes to the CS centre manager. */
export const referToManager = (command: ReferComplaintToManager, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  assertStatus(complaint, ['registered'], 'refer the complaint to the CS centre manager');
  if (complaint.referredToManager) throw new InvalidStateError('refer the complaint to the CS centre manager', complaint.status, 'already referred');
  const problems = new ProblemList();
  checkText(problems, command.data.reason, 'reason', 1_000);
  problems.throwIfAny();
  return [{ type: 'ComplaintReferredToManager', data: { ...base(complaint.id, command), reason: command.data.reason, referredTo: 'cs_manager' } }];
};

export const triageComplaint = (command: TriageComplaint, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  const d = command.data;
  const automatic = actor.role === 'system';
  // A duty officer's triage always wins: it may replace an automatic triage until handling starts.
  const replacesAutomatic = !automatic && complaint.status === 'triaged' && complaint.triagedBy?.role === 'system';
  if (!replacesAutomatic) assertStatus(complaint, ['registered'], 'triage the complaint');
  if (automatic) {
    if (complaint.referredToManager) throw new ForbiddenError('role', 'A case referred to the CS centre manager is not triaged automatically');
    if (!policy.triage.autoApplyCategories.includes(d.category)) {
      throw new ForbiddenError('role', `The policy does not apply triage suggestions automatically for category '${d.category}'`);
    }
  }
  if (complaint.referredToManager && !policy.triage.referredCaseRoles.includes(actor.role)) {
    throw new ForbiddenError('role', `This case was referred to the CS centre manager; role '${actor.role}' may not triage it`);
  }
  const problems = new ProblemList();
  problems.check(isOneOf(NATURES, d.nature), 'nature', `must be one of ${NATURES.join(', ')}`);
  problems.check(isOneOf(SEVERITIES, d.severity), 'severity', `must be one of ${SEVERITIES.join(', ')}`);
  problems.check(isOneOf(URGENCIES, d.urgency), 'urgency', `must be one of ${URGENCIES.join(', ')}`);
  problems.check(isText(d.category) && policy.categories.includes(d.category), 'category', `must be one of ${policy.categories.join(', ')}`);
  problems.check(isText(d.department) && policy.departments.includes(d.department), 'department', `must be one of ${policy.departments.join(', ')}`);
  if (!isAbsent(d.invalidReason)) {
    problems.check(isOneOf(INVALID_REASONS, d.invalidReason), 'invalidReason', `must be one of ${INVALID_REASONS.join(', ')}`);
    problems.check(d.nature === 'invalid', 'invalidReason', 'only for invalid complaints');
  }
  problems.check(isAbsent(d.major) || typeof d.major === 'boolean', 'major', 'must be true or false');
  if (!isAbsent(d.majorReasons)) problems.check(Array.isArray(d.majorReasons) && d.majorReasons.every((r) => isOneOf(MAJOR_REASONS, r)), 'majorReasons', `must be among ${MAJOR_REASONS.join(', ')}`);
  problems.check(isAbsent(d.assignee) || isText(d.assignee), 'assignee', 'must be an employee id');
  problems.check(isAbsent(d.note) || typeof d.note === 'string', 'note', 'must be text');
  checkTriageExplanations(problems, d.explanations);
  checkEmployeeIds(problems, d.subjectEmployeeIds, 'subjectEmployeeIds');
  problems.throwIfAny();

  const subjectEmployeeIds = unique([...complaint.subjectEmployeeIds, ...(d.subjectEmployeeIds ?? [])]);
  const assignee = optionalText(d.assignee);
  assertNoConflictOfInterest({ subjectEmployeeIds }, actor, 'triage it');
  assertNotSubject({ subjectEmployeeIds }, assignee, 'handler');

  // Major is an escalation flag on a complaint that is not invalid (docs/process.md §3). Criteria
  // already established from the record (collective, repeat, channel) cannot be waived here.
  let majorReasons: MajorReason[] = [];
  if (d.nature === 'invalid') {
    const majorProblems = new ProblemList();
    majorProblems.check(d.major !== true, 'major', 'an invalid complaint cannot be major');
    majorProblems.check(d.severity !== 'major', 'severity', 'an invalid complaint cannot have major severity');
    majorProblems.throwIfAny();
  } else {
    majorReasons = [...complaint.majorReasons];
    if (d.major === true) majorReasons.push(...(d.majorReasons && d.majorReasons.length > 0 ? d.majorReasons : ['triage_judgement' as const]));
    if (d.severity === 'major') majorReasons.push('severity');
    majorReasons = unique(majorReasons);
    if (d.major === false && majorReasons.length > 0) {
      throw new ValidationError([{ field: 'major', problem: `the complaint is major by rule (${majorReasons.join(', ')}) and cannot be triaged as not major` }]);
    }
  }
  const major = majorReasons.length > 0;
  const escalationLevel = Math.max(complaint.escalationLevel, policy.escalation.initialLevelBySeverity[d.severity], major ? escalationLevelOf(policy, policy.major.escalateTo) : 0);
  const now = canonicalInstant(command.metadata.now);
  const triaged: ComplaintEvent = {
    type: 'ComplaintTriaged',
    data: compact({
      ...base(complaint.id, command),
      nature: d.nature,
      invalidReason: isAbsent(d.invalidReason) ? undefined : d.invalidReason,
      severity: d.severity,
      urgency: d.urgency,
      major,
      majorReasons,
      category: d.category,
      department: d.department,
      assignee,
      note: optionalText(d.note),
      explanations: triageExplanations(d.explanations),
      subjectEmployeeIds,
      escalationLevel,
      policyVersion: policy.version,
      deadlineRules: policy.deadlines,
      deadlines: triageDeadlines(calendar, policy.deadlines, complaint, { nature: d.nature, urgency: d.urgency, major }, now),
      automatic: automatic ? true : undefined,
    }),
  };
  const newlyMajor = major && !complaint.major;
  return newlyMajor ? [triaged, markedMajor(complaint, command, policy, majorReasons, escalationLevel)] : [triaged];
};
