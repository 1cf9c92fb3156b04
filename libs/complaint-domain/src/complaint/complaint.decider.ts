/**
 * decide(command, state, context) → events. One function per command behind an exhaustive
 * switch. Pure: the instant comes from `metadata.now`, ids from the command, the policy and the
 * working calendar from `context` (see decision-context.ts). Every rule of docs/process.md lives here
 * or in complaint.deadlines.ts, and every event names the actor who caused it.
 *
 * Order of checks in every command: the complaint exists (404) → the actor's role may issue the
 * command (403) → the complaint's status allows it (409, naming the status) → conflict of
 * interest (403) → the data (400/422, naming every offending field).
 */
import type { Actor, Role } from '../common/actor';
import { ForbiddenError, InvalidStateError, ProblemList, ValidationError } from '../common/domain-errors';
import { canonicalInstant, isIsoInstant, toMillis } from '../common/iso-time';
import { compact, unique } from '../common/object.util';
import { applyDeadlineRule, siteDate } from '../calendar/working-calendar';
import { escalationLevelOf, topEscalationLevel, type ComplaintPolicy } from '../policy/policy';
import type {
  ApproveCompensation,
  ArchiveComplaint,
  ErasePersonalData,
  ChaseOverdueDeadline,
  EscalateEmergency,
  ComplaintCommand,
  CorrectComplaint,
  CorrectableField,
  EscalateComplaint,
  EscalateOverdueDeadline,
  ExemptFromCallback,
  MarkComplaintMajor,
  ReassignComplaint,
  RecordCallback,
  RecordOutreach,
  RecordRectificationPlan,
  RecordReply,
  ReferComplaintToManager,
  RegisterComplaint,
  ResolveComplaint,
  TriageComplaint,
} from './complaint.commands';
import {
  deadlineActionKey,
  deadlineRulesFor,
  emergencyChain,
  emergencyKey,
  escalationDueAt,
  followUpDue,
  registrationDeadlines,
  reopenDeadlines,
  specialCaseLimit,
  triageDeadlines,
  without,
} from './complaint.deadlines';
import type { ComplaintEvent, ComplaintMarkedMajor, EventBase } from './complaint.events';
import {
  assertAssignedHandler,
  assertExists,
  assertNoConflictOfInterest,
  assertNotArchived,
  assertNotSubject,
  assertRole,
  assertStatus,
} from './complaint.guards';
import { chaseLevelKey, type Complaint, type ComplaintState } from './complaint.state';
import { resolveDecisionContext, type DecisionContext } from './decision-context';
import { checkTriageExplanations, triageExplanations } from '../triage/triage-explanations';
import { PERSONAL_FIELDS, isPersonalField } from './personal-data';
import {
  CALLBACK_EXEMPTION_REASONS,
  CALLBACK_METHODS,
  CHANNELS,
  DEADLINE_NAMES,
  INVALID_REASONS,
  MAJOR_REASONS,
  NATURES,
  OUTREACH_KINDS,
  SEVERITIES,
  URGENCIES,
  type Channel,
  type CloseBasis,
  type ComplaintStatus,
  type DeadlineName,
  type MajorReason,
  type Satisfaction,
} from './complaint.types';

export const decide = (command: ComplaintCommand, state: ComplaintState, context?: Partial<DecisionContext>): ComplaintEvent[] => {
  const ctx = resolveDecisionContext(context);
  assertMetadata(command);
  switch (command.type) {
    case 'RegisterComplaint':
      return registerComplaint(command, state, ctx);
    case 'CorrectComplaint':
      return correctComplaint(command, state, ctx);
    case 'ReferComplaintToManager':
      return referToManager(command, state, ctx);
    case 'TriageComplaint':
      return triageComplaint(command, state, ctx);
    case 'RecordReply':
      return recordReply(command, state, ctx);
    case 'RecordRectificationPlan':
      return recordPlan(command, state, ctx);
    case 'ResolveComplaint':
      return resolveComplaint(command, state, ctx);
    case 'EscalateComplaint':
      return escalateComplaint(command, state, ctx);
    case 'ReassignComplaint':
      return reassignComplaint(command, state, ctx);
    case 'MarkComplaintMajor':
      return markMajor(command, state, ctx);
    case 'RecordCallback':
      return recordCallback(command, state, ctx);
    case 'ExemptFromCallback':
      return exemptFromCallback(command, state, ctx);
    case 'ChaseOverdueDeadline':
      return chaseOverdueDeadline(command, state, ctx);
    case 'EscalateOverdueDeadline':
      return escalateOverdueDeadline(command, state, ctx);
    case 'EscalateEmergency':
      return escalateEmergency(command, state, ctx);
    case 'ApproveCompensation':
      return approveCompensation(command, state, ctx);
    case 'RecordOutreach':
      return recordOutreach(command, state, ctx);
    case 'ArchiveComplaint':
      return archiveComplaint(command, state, ctx);
    case 'ErasePersonalData':
      return erasePersonalData(command, state, ctx);
    default: {
      const exhaustive: never = command;
      throw new ValidationError([{ field: 'type', problem: `unknown command ${(exhaustive as { type: string }).type}` }]);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Shared helpers

const ACTIVE: readonly ComplaintStatus[] = ['registered', 'triaged', 'in_progress', 'reopened'];
const HANDLING: readonly ComplaintStatus[] = ['triaged', 'in_progress', 'reopened'];

const assertMetadata = (command: ComplaintCommand): void => {
  const problems = new ProblemList();
  const metadata = command.metadata as Partial<ComplaintCommand['metadata']> | undefined;
  problems.check(isIsoInstant(metadata?.now), 'metadata.now', 'must be an ISO-8601 instant');
  problems.check(typeof metadata?.actor?.id === 'string' && metadata.actor.id !== '', 'metadata.actor.id', 'required');
  problems.check(typeof metadata?.actor?.role === 'string', 'metadata.actor.role', 'required');
  problems.check(typeof command.data === 'object' && command.data !== null, 'data', 'required');
  problems.throwIfAny();
};

const base = (complaintId: string, command: ComplaintCommand): EventBase => ({
  complaintId,
  at: canonicalInstant(command.metadata.now),
  actor: compact({ id: command.metadata.actor.id, role: command.metadata.actor.role, name: command.metadata.actor.name }),
});

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const optionalText = (value: unknown): string | undefined => (isText(value) ? value : undefined);
const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
const isAbsent = (value: unknown): value is null | undefined => value === undefined || value === null;

/** The bound of a household count, at registration and in a correction alike. */
const MAX_HOUSEHOLDS = 100_000;
const isHouseholdCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_HOUSEHOLDS;

/** Corrected free text keeps registration's length bounds (location, which registration does not take: 500). */
const CORRECTION_TEXT_MAX: Record<'request' | 'location' | 'categoryHint' | 'complainant.name' | 'complainant.building' | 'complainant.unit', number> = {
  request: 5_000,
  location: 500,
  categoryHint: 100,
  'complainant.name': 100,
  'complainant.building': 50,
  'complainant.unit': 50,
};

const checkText = (problems: ProblemList, value: unknown, field: string, max = 10_000): void => {
  if (!isText(value)) problems.add(field, 'required, non-empty text');
  else if (value.length > max) problems.add(field, `at most ${max} characters`);
};

const checkFutureInstant = (problems: ProblemList, value: unknown, field: string, now: string): void => {
  if (!isIsoInstant(value)) problems.add(field, 'must be an ISO-8601 instant');
  else if (toMillis(value) <= toMillis(now)) problems.add(field, 'must be later than now');
};

const checkEmployeeIds = (problems: ProblemList, value: unknown, field: string): void => {
  if (isAbsent(value)) return;
  if (!Array.isArray(value) || !value.every(isText)) problems.add(field, 'must be a list of employee ids');
};

const levelRole = (policy: ComplaintPolicy, level: number): Role => policy.escalation.chain[Math.min(level, topEscalationLevel(policy))];

const majorLevel = (policy: ComplaintPolicy, current: number): number => Math.max(current, escalationLevelOf(policy, policy.major.escalateTo));

/** "Major complaints go up to the general manager at once and leadership is informed." */
const markedMajor = (
  state: Pick<Complaint, 'id'>,
  command: ComplaintCommand,
  policy: ComplaintPolicy,
  reasons: MajorReason[],
  currentLevel: number,
  extra: { note?: string; key?: string } = {},
): ComplaintMarkedMajor => {
  const escalationLevel = majorLevel(policy, currentLevel);
  return {
    type: 'ComplaintMarkedMajor',
    data: compact({
      ...base(state.id, command),
      reasons,
      escalationLevel,
      escalatedTo: levelRole(policy, escalationLevel),
      notify: [...policy.major.notify],
      note: extra.note,
      key: extra.key,
    }),
  };
};

const channelMajorReason = (channel: Channel): MajorReason => (channel === 'media' ? 'media' : 'authority');

/** Objective major criteria known from the record itself: collective, repeated, media/authority channel. */
const recordMajorReasons = (policy: ComplaintPolicy, record: { householdCount: number; repeatCount: number; channel: Channel }): MajorReason[] => {
  const reasons: MajorReason[] = [];
  if (record.householdCount >= policy.collective.minHouseholds) reasons.push('collective');
  if (record.repeatCount >= policy.major.repeatCountAtLeast) reasons.push('repeat');
  if (policy.major.channels.includes(record.channel)) reasons.push(channelMajorReason(record.channel));
  return reasons;
};

// ---------------------------------------------------------------------------------------------
// Intake (受理 / 登记)

const registerComplaint = (command: RegisterComplaint, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
  if (state.exists) throw new InvalidStateError('register the complaint', state.status, `complaint ${state.id} is already registered as ${state.number}`);
  assertRole(policy, command.type, command.metadata.actor);
  const d = command.data;
  const now = command.metadata.now;
  const problems = new ProblemList();
  checkText(problems, d.complaintId, 'complaintId', 100);
  checkText(problems, d.number, 'number', 50);
  checkText(problems, d.siteId, 'siteId', 100);
  // A letter or a relayed complaint is registered after it reached the company; its clock
  // runs from receipt (接报后), within `intake.receivedAtMaxAgeDays`.
  if (!isIsoInstant(d.receivedAt)) problems.add('receivedAt', 'must be an ISO-8601 instant');
  else if (toMillis(d.receivedAt) > toMillis(now)) problems.add('receivedAt', 'cannot be later than now');
  else if (toMillis(now) - toMillis(d.receivedAt) > policy.intake.receivedAtMaxAgeDays * 86_400_000) {
    problems.add('receivedAt', `cannot be more than ${policy.intake.receivedAtMaxAgeDays} days before the registration`);
  }
  problems.check(isOneOf(CHANNELS, d.channel), 'channel', `must be one of ${CHANNELS.join(', ')}`);
  checkText(problems, d.title, 'title', 200);
  checkText(problems, d.description, 'description');
  const complainant = typeof d.complainant === 'object' && d.complainant !== null ? d.complainant : undefined;
  if (!complainant) problems.add('complainant', 'required');
  const anonymous = complainant?.anonymous === true;
  if (complainant && !isAbsent(complainant.anonymous) && typeof complainant.anonymous !== 'boolean') problems.add('complainant.anonymous', 'must be true or false');
  const phone = optionalText(complainant?.phone);
  if (phone !== undefined && !new RegExp(policy.intake.phonePattern).test(phone.trim())) problems.add('complainant.phone', 'is not a valid phone number');
  if (complainant && !anonymous && phone === undefined && policy.intake.requirePhoneUnlessAnonymous) {
    problems.add('complainant.phone', 'required unless the complaint is anonymous');
  }
  for (const key of ['name', 'building', 'unit'] as const) {
    const value = complainant?.[key];
    if (!isAbsent(value) && typeof value !== 'string') problems.add(`complainant.${key}`, 'must be text');
  }
  if (!isAbsent(d.request) && typeof d.request !== 'string') problems.add('request', 'must be text');
  if (!isAbsent(d.occurredAt)) {
    if (!isIsoInstant(d.occurredAt)) problems.add('occurredAt', 'must be an ISO-8601 instant');
    else if (isIsoInstant(d.receivedAt) && toMillis(d.occurredAt) > toMillis(d.receivedAt)) problems.add('occurredAt', 'cannot be later than receivedAt');
  }
  const householdCount = isAbsent(d.householdCount) ? 1 : d.householdCount;
  problems.check(isHouseholdCount(householdCount), 'householdCount', `must be a whole number from 1 to ${MAX_HOUSEHOLDS}`);
  if (!isAbsent(d.relatedComplaintId)) {
    if (!isText(d.relatedComplaintId)) problems.add('relatedComplaintId', 'must be a complaint id');
    else if (d.relatedComplaintId === d.complaintId) problems.add('relatedComplaintId', 'cannot be the complaint itself');
  }
  const predecessor = isAbsent(d.repeatOf) ? undefined : d.repeatOf;
  if (predecessor) {
    problems.check(isText(predecessor.complaintId), 'repeatOf.complaintId', 'required');
    problems.check(isIsoInstant(predecessor.receivedAt), 'repeatOf.receivedAt', 'must be an ISO-8601 instant');
    problems.check(Number.isInteger(predecessor.repeatCount) && predecessor.repeatCount >= 0, 'repeatOf.repeatCount', 'must be a whole number ≥ 0');
    if (!isAbsent(d.relatedComplaintId) && d.relatedComplaintId !== predecessor.complaintId) problems.add('repeatOf.complaintId', 'must match relatedComplaintId');
  }
  checkEmployeeIds(problems, d.subjectEmployeeIds, 'subjectEmployeeIds');
  if (!isAbsent(d.firstContactOwner) && !isText(d.firstContactOwner.id)) problems.add('firstContactOwner.id', 'required');
  problems.throwIfAny();

  const receivedAt = canonicalInstant(d.receivedAt);
  const relatedComplaintId = optionalText(d.relatedComplaintId) ?? predecessor?.complaintId;
  // Repeat complaints: the service finds the predecessor; a link without one is taken as a
  // first repeat. Outside the repeat window the link is kept but does not count.
  const withinWindow = predecessor === undefined || toMillis(receivedAt) - toMillis(predecessor.receivedAt) <= policy.repeat.windowDays * 86_400_000;
  const repeat =
    relatedComplaintId !== undefined && withinWindow
      ? compact({ ofComplaintId: relatedComplaintId, ofNumber: optionalText(predecessor?.number), repeatCount: (predecessor?.repeatCount ?? 0) + 1 })
      : undefined;
  const repeatCount = repeat?.repeatCount ?? 0;
  const escalationLevel = Math.min(topEscalationLevel(policy), repeatCount * policy.repeat.escalationLevelsPerRepeat);
  const owner = isAbsent(d.firstContactOwner) ? command.metadata.actor : d.firstContactOwner;

  const registered: ComplaintEvent = {
    type: 'ComplaintRegistered',
    data: compact({
      ...base(d.complaintId, command),
      number: d.number,
      siteId: d.siteId,
      channel: d.channel,
      receivedAt,
      complainant: compact({
        name: optionalText(complainant?.name),
        phone: phone?.trim(),
        building: optionalText(complainant?.building),
        unit: optionalText(complainant?.unit),
        anonymous,
      }),
      title: d.title.trim(),
      description: d.description,
      request: optionalText(d.request),
      occurredAt: isAbsent(d.occurredAt) ? undefined : canonicalInstant(d.occurredAt),
      location: optionalText(d.location),
      categoryHint: optionalText(d.categoryHint),
      householdCount,
      collective: householdCount >= policy.collective.minHouseholds,
      relatedComplaintId,
      repeat,
      subjectEmployeeIds: unique(d.subjectEmployeeIds ?? []),
      firstContactOwner: compact({ id: owner.id, name: owner.name }),
      escalationLevel,
      policyVersion: policy.version,
      deadlines: registrationDeadlines(calendar, policy.deadlines, receivedAt),
    }),
  };
  const reasons = recordMajorReasons(policy, { householdCount, repeatCount, channel: d.channel });
  return reasons.length > 0 ? [registered, markedMajor({ id: d.complaintId }, command, policy, reasons, escalationLevel)] : [registered];
};

const CORRECTABLE: readonly CorrectableField[] = [
  'title',
  'description',
  'request',
  'occurredAt',
  'location',
  'categoryHint',
  'householdCount',
  'channel',
  'complainant.name',
  'complainant.phone',
  'complainant.building',
  'complainant.unit',
  'complainant.anonymous',
  'subjectEmployeeIds',
];

const currentValue = (state: Complaint, field: CorrectableField): unknown => {
  switch (field) {
    case 'complainant.name':
      return state.complainant.name;
    case 'complainant.phone':
      return state.complainant.phone;
    case 'complainant.building':
      return state.complainant.building;
    case 'complainant.unit':
      return state.complainant.unit;
    case 'complainant.anonymous':
      return state.complainant.anonymous;
    default:
      return state[field];
  }
};

const checkCorrectionValue = (problems: ProblemList, field: CorrectableField, value: unknown, state: Complaint, policy: ComplaintPolicy): void => {
  switch (field) {
    case 'title':
      checkText(problems, value, 'value', 200);
      return;
    case 'description':
      checkText(problems, value, 'value');
      return;
    case 'request':
    case 'location':
    case 'categoryHint':
    case 'complainant.name':
    case 'complainant.building':
    case 'complainant.unit':
      problems.check(isAbsent(value) || typeof value === 'string', 'value', 'must be text or null');
      problems.check(typeof value !== 'string' || value.length <= CORRECTION_TEXT_MAX[field], 'value', `at most ${CORRECTION_TEXT_MAX[field]} characters`);
      return;
    case 'complainant.phone':
      if (isAbsent(value) || value === '') {
        problems.check(state.complainant.anonymous || !policy.intake.requirePhoneUnlessAnonymous, 'value', 'a named complainant needs a phone number');
      } else problems.check(typeof value === 'string' && new RegExp(policy.intake.phonePattern).test(value.trim()), 'value', 'is not a valid phone number');
      return;
    case 'occurredAt':
      problems.check(isAbsent(value) || (isIsoInstant(value) && toMillis(value) <= toMillis(state.receivedAt)), 'value', 'must be an ISO-8601 instant not later than receivedAt');
      return;
    case 'householdCount':
      problems.check(isHouseholdCount(value), 'value', `must be a whole number from 1 to ${MAX_HOUSEHOLDS}, as at registration`);
      return;
    case 'channel':
      problems.check(isOneOf(CHANNELS, value), 'value', `must be one of ${CHANNELS.join(', ')}`);
      return;
    case 'complainant.anonymous':
      problems.check(typeof value === 'boolean', 'value', 'must be true or false');
      return;
    case 'subjectEmployeeIds':
      problems.check(Array.isArray(value) && value.every(isText), 'value', 'must be a list of employee ids');
      return;
    default: {
      const exhaustive: never = field;
      problems.add('field', `cannot correct ${String(exhaustive)}`);
    }
  }
};

/** Records are never altered: a correction is a new entry with a reason (不得随意涂改). */
const correctComplaint = (command: CorrectComplaint, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  assertNotArchived(complaint, 'correct the record');
  const { field, value, reason } = command.data;
  const problems = new ProblemList();
  checkText(problems, reason, 'reason', 1_000);
  if (!isOneOf(CORRECTABLE, field)) {
    problems.add('field', `must be one of ${CORRECTABLE.join(', ')}`);
    problems.throwIfAny();
    return [];
  }
  checkCorrectionValue(problems, field, value, complaint, policy);
  problems.throwIfAny();
  // Erased personal data stays erased: its key is gone, and re-entering it would undo the erasure.
  if (complaint.personalDataErased && isPersonalField(field)) {
    throw new InvalidStateError('correct the record', complaint.status, `the complainant's personal data was erased; ${field} cannot be set again`);
  }
  const normalised = field === 'occurredAt' && isIsoInstant(value) ? canonicalInstant(value) : field === 'subjectEmployeeIds' ? unique(value as string[]) : value === '' ? null : (value ?? null);
  const previousValue = currentValue(complaint, field) ?? null;
  if (JSON.stringify(previousValue) === JSON.stringify(normalised)) throw new ValidationError([{ field: 'value', problem: 'equals the recorded value; nothing to correct' }]);
  const corrected: ComplaintEvent = {
    type: 'ComplaintCorrected',
    data: { ...base(complaint.id, command), field, previousValue, value: normalised, reason },
  };
  // A corrected household count or channel can make the complaint major (collective, media, authority).
  const after = {
    householdCount: field === 'householdCount' ? (value as number) : complaint.householdCount,
    channel: field === 'channel' ? (value as Channel) : complaint.channel,
    repeatCount: complaint.repeatCount,
  };
  const newReasons = recordMajorReasons(policy, after).filter((r) => !complaint.majorReasons.includes(r));
  const canTurnMajor = complaint.nature !== 'invalid' && complaint.status !== 'closed';
  return newReasons.length > 0 && canTurnMajor ? [corrected, markedMajor(complaint, command, policy, newReasons, complaint.escalationLevel)] : [corrected];
};

// ---------------------------------------------------------------------------------------------
// Triage (判别 / 分类)

/** If the duty officer cannot judge the nature, the case goes to the CS centre manager. */
const referToManager = (command: ReferComplaintToManager, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  assertStatus(complaint, ['registered'], 'refer the complaint to the CS centre manager');
  if (complaint.referredToManager) throw new InvalidStateError('refer the complaint to the CS centre manager', complaint.status, 'already referred');
  const problems = new ProblemList();
  checkText(problems, command.data.reason, 'reason', 1_000);
  problems.throwIfAny();
  return [{ type: 'ComplaintReferredToManager', data: { ...base(complaint.id, command), reason: command.data.reason, referredTo: 'cs_manager' } }];
};

const triageComplaint = (command: TriageComplaint, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
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

// ---------------------------------------------------------------------------------------------
// Handling (处理 / 跟进)

const assertCanHandle = (policy: ComplaintPolicy, complaint: Complaint, actor: Actor, action: string): void => {
  assertNoConflictOfInterest(complaint, actor, action);
  assertAssignedHandler(policy, complaint, actor, action);
};

/** Closing tells the first-contact owner (首问责任人) the outcome: they stay responsible to the end. */
const closedEvent = (complaint: Complaint, command: ComplaintCommand, basis: CloseBasis): ComplaintEvent => ({
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

const recordReply = (command: RecordReply, state: ComplaintState, ctx: DecisionContext): ComplaintEvent[] => {
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
const recordPlan = (command: RecordRectificationPlan, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
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
const resolveComplaint = (command: ResolveComplaint, state: ComplaintState, ctx: DecisionContext): ComplaintEvent[] => {
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
const escalateComplaint = (command: EscalateComplaint, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
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

const reassignComplaint = (command: ReassignComplaint, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
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
const markMajor = (command: MarkComplaintMajor, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
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

// ---------------------------------------------------------------------------------------------
// Callback (回访) and closing (关闭)

const closeBasisFor = (complaint: Complaint) => (complaint.nature === 'to_be_improved' ? ('understood' as const) : ('accepted' as const));

const recordCallback = (command: RecordCallback, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  assertStatus(complaint, ['resolved'], 'record a callback');
  assertNoConflictOfInterest(complaint, actor, 'call back on it');
  const d = command.data;
  const problems = new ProblemList();
  problems.check(isOneOf(CALLBACK_METHODS, d.method), 'method', `must be one of ${CALLBACK_METHODS.join(', ')}`);
  problems.check(typeof d.reached === 'boolean', 'reached', 'must be true or false');
  if (d.reached === true) problems.check(Number.isInteger(d.satisfaction) && (d.satisfaction as number) >= 1 && (d.satisfaction as number) <= 5, 'satisfaction', 'required when reached: 1 (very satisfied) … 5 (very dissatisfied)');
  if (d.reached === false) problems.check(isAbsent(d.satisfaction), 'satisfaction', 'only when the complainant was reached');
  problems.check(isAbsent(d.comment) || typeof d.comment === 'string', 'comment', 'must be text');
  // Major complaints require an on-site visit (上门回访) by the CS centre manager.
  if (complaint.major && isOneOf(CALLBACK_METHODS, d.method) && d.method !== policy.callback.majorMethod) {
    problems.add('method', `a major complaint needs an on-site '${policy.callback.majorMethod}' callback`);
  }
  problems.throwIfAny();
  if (complaint.major && !policy.callback.majorVisitRoles.includes(actor.role)) {
    throw new ForbiddenError('role', `The on-site callback of a major complaint is done by ${policy.callback.majorVisitRoles.join(' or ')}, not '${actor.role}'`);
  }
  const b = () => base(complaint.id, command);
  const comment = optionalText(d.comment);
  if (!d.reached) {
    const attempt = complaint.callbackAttempts + 1;
    // Seed rule: a valid complaint closes only when the complainant accepts the result. Only the
    // natures in `closeUnreachedFor` (and never a major complaint, which needs its visit) close
    // by themselves after the last attempt; the others keep their callback due and chased.
    const closesUnreached = complaint.nature !== undefined && policy.callback.closeUnreachedFor.includes(complaint.nature) && !complaint.major;
    if (attempt >= policy.callback.maxAttempts && closesUnreached) {
      return [
        { type: 'CallbackUnreached', data: compact({ ...b(), method: d.method, attempt, comment, deadlines: {} }) },
        { type: 'CallbackExempted', data: { ...b(), reason: 'no_contact', note: `not reached after ${attempt} attempts`, automatic: true } },
        closedEvent(complaint, command, 'callback_exempt'),
      ];
    }
    const rules = deadlineRulesFor(complaint, policy);
    return [{ type: 'CallbackUnreached', data: compact({ ...b(), method: d.method, attempt, comment, deadlines: { callback: applyDeadlineRule(calendar, command.metadata.now, rules.callbackRetry) } }) }];
  }
  const satisfaction = d.satisfaction as Satisfaction;
  const satisfied = satisfaction <= policy.callback.satisfiedAtMost;
  const completed: ComplaintEvent = { type: 'CallbackCompleted', data: compact({ ...b(), method: d.method, satisfaction, satisfied, comment }) };
  if (satisfied) return [completed, closedEvent(complaint, command, closeBasisFor(complaint))];
  // 4–5: reopened, one level higher, handled again within fresh deadlines.
  const toLevel = Math.min(topEscalationLevel(policy), complaint.escalationLevel + 1);
  const rules = deadlineRulesFor(complaint, policy);
  return [
    completed,
    {
      type: 'ComplaintReopened',
      data: {
        ...b(),
        fromLevel: complaint.escalationLevel,
        toLevel,
        escalatedTo: levelRole(policy, toLevel),
        reopenCount: complaint.reopenCount + 1,
        satisfaction,
        deadlines: reopenDeadlines(calendar, rules, complaint.urgency ?? 'normal', canonicalInstant(command.metadata.now)),
      },
    },
  ];
};

/** Exempt from callback: on the spot and confirmed, anonymous, no usable contact, sensitive — with the reason recorded. */
const exemptFromCallback = (command: ExemptFromCallback, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  assertStatus(complaint, ['resolved'], 'exempt the complaint from callback');
  assertNoConflictOfInterest(complaint, actor, 'exempt it from callback');
  const { reason } = command.data;
  const note = optionalText(command.data.note);
  const problems = new ProblemList();
  problems.check(isOneOf(CALLBACK_EXEMPTION_REASONS, reason), 'reason', `must be one of ${CALLBACK_EXEMPTION_REASONS.join(', ')}`);
  if (reason === 'on_spot_confirmed') problems.check(complaint.resolvedOnSpot, 'reason', 'the complaint was not resolved on the spot');
  if (reason === 'anonymous') problems.check(complaint.complainant.anonymous, 'reason', 'the complainant is not anonymous');
  if (reason === 'no_contact') problems.check(complaint.complainant.phone === undefined || complaint.personalDataErased || complaint.callbackAttempts > 0, 'reason', 'a contact number is on record and no callback attempt has failed yet');
  if (reason === 'sensitive') problems.check(note !== undefined, 'note', 'say why the case is sensitive');
  // Seed rule: major complaints require an on-site visit (上门回访); only a complainant nobody can
  // visit (anonymous, or no contact and no address on record) exempts one.
  if (complaint.major && isOneOf(CALLBACK_EXEMPTION_REASONS, reason)) {
    const nobodyToVisit = reason === 'anonymous' || (reason === 'no_contact' && complaint.complainant.building === undefined && complaint.complainant.unit === undefined);
    problems.check(nobodyToVisit, 'reason', `a major complaint needs its on-site '${policy.callback.majorMethod}' callback; only an anonymous complainant or one with no contact and no address is exempt`);
  }
  problems.throwIfAny();
  return [
    { type: 'CallbackExempted', data: compact({ ...base(complaint.id, command), reason, note, automatic: false }) },
    closedEvent(complaint, command, 'callback_exempt'),
  ];
};

// ---------------------------------------------------------------------------------------------
// Chasing and escalation by the scheduler (催办 / 升级) — idempotent by key

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

const chaseOverdueDeadline = (command: ChaseOverdueDeadline, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
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
const escalateOverdueDeadline = (command: EscalateOverdueDeadline, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
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
const escalateEmergency = (command: EscalateEmergency, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
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

// ---------------------------------------------------------------------------------------------
// Compensation, outreach, archive

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
const approveCompensation = (command: ApproveCompensation, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
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
    );
  }
  return [{ type: 'CompensationApproved', data: { ...base(complaint.id, command), amount: command.data.amount, currency: policy.compensation.currency, reason: command.data.reason } }];
};

/** Visits, public notices, residents' meetings (座谈会) — allowed until the record is sealed. */
const recordOutreach = (command: RecordOutreach, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
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
const archiveComplaint = (command: ArchiveComplaint, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
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
const erasePersonalData = (command: ErasePersonalData, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  const problems = new ProblemList();
  checkText(problems, command.data.reason, 'reason', 1_000);
  problems.throwIfAny();
  if (complaint.personalDataErased) return [];
  return [{ type: 'PersonalDataErased', data: { ...base(complaint.id, command), fields: [...PERSONAL_FIELDS], reason: command.data.reason } }];
};
