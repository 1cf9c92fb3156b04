/** Intake (受理 / 登记): registration and corrections. Part of decide (../complaint.decider.ts). */
import { InvalidStateError, ProblemList, ValidationError } from '../../common/domain-errors';
import { canonicalInstant, isIsoInstant, toMillis } from '../../common/iso-time';
import { compact, unique } from '../../common/object.util';
import { topEscalationLevel, type ComplaintPolicy } from '../../policy/policy';
import type { CorrectComplaint, CorrectableField, RegisterComplaint } from '../complaint.commands';
import { registrationDeadlines } from '../complaint.deadlines';
import type { ComplaintEvent } from '../complaint.events';
import { assertExists, assertNotArchived, assertRole } from '../complaint.guards';
import { type Complaint, type ComplaintState } from '../complaint.state';
import { type DecisionContext } from '../decision-context';
import { isEmailAddress } from '../complainant-notices';
import { isPersonalField } from '../personal-data';
import { CHANNELS, type Channel } from '../complaint.types';
import { CORRECTION_TEXT_MAX, MAX_HOUSEHOLDS, base, checkEmployeeIds, checkText, isAbsent, isHouseholdCount, isOneOf, isText, markedMajor, optionalText, recordMajorReasons } from './shared';


export const registerComplaint = (command: RegisterComplaint, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
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
  const email = optionalText(complainant?.email);
  if (email !== undefined && !isEmailAddress(email.trim())) problems.add('complainant.email', 'is not a valid e-mail address');
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
        email: email?.trim(),
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
export const correctComplaint = (command: CorrectComplaint, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
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
