/** Shared helpers of the stage modules: metadata, event base, text and instant checks, the major-complaint event. Part of decide (../complaint.decider.ts). */
import type { Role } from '../../common/actor';
import { ProblemList } from '../../common/domain-errors';
import { canonicalInstant, isIsoInstant, toMillis } from '../../common/iso-time';
import { compact } from '../../common/object.util';
import { escalationLevelOf, topEscalationLevel, type ComplaintPolicy } from '../../policy/policy';
import type { ComplaintCommand } from '../complaint.commands';
import type { ComplaintMarkedMajor, EventBase } from '../complaint.events';
import { type Complaint } from '../complaint.state';
import { type Channel, type ComplaintStatus, type MajorReason } from '../complaint.types';


export const ACTIVE: readonly ComplaintStatus[] = ['registered', 'triaged', 'in_progress', 'reopened'];
export const HANDLING: readonly ComplaintStatus[] = ['triaged', 'in_progress', 'reopened'];

export const assertMetadata = (command: ComplaintCommand): void => {
  const problems = new ProblemList();
  const metadata = command.metadata as Partial<ComplaintCommand['metadata']> | undefined;
  problems.check(isIsoInstant(metadata?.now), 'metadata.now', 'must be an ISO-8601 instant');
  problems.check(typeof metadata?.actor?.id === 'string' && metadata.actor.id !== '', 'metadata.actor.id', 'required');
  problems.check(typeof metadata?.actor?.role === 'string', 'metadata.actor.role', 'required');
  problems.check(typeof command.data === 'object' && command.data !== null, 'data', 'required');
  problems.throwIfAny();
};

export const base = (complaintId: string, command: ComplaintCommand): EventBase => ({
  complaintId,
  at: canonicalInstant(command.metadata.now),
  actor: compact({ id: command.metadata.actor.id, role: command.metadata.actor.role, name: command.metadata.actor.name }),
});

export const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
export const optionalText = (value: unknown): string | undefined => (isText(value) ? value : undefined);
export const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
export const isAbsent = (value: unknown): value is null | undefined => value === undefined || value === null;

/** The bound of a household count, at registration and in a correction alike. */
export const MAX_HOUSEHOLDS = 100_000;
export const isHouseholdCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_HOUSEHOLDS;

/** Corrected free text keeps registration's length bounds (location, which registration does not take: 500). */
export const CORRECTION_TEXT_MAX: Record<'request' | 'location' | 'categoryHint' | 'complainant.name' | 'complainant.building' | 'complainant.unit', number> = {
  request: 5_000,
  location: 500,
  categoryHint: 100,
  'complainant.name': 100,
  'complainant.building': 50,
  'complainant.unit': 50,
};

export const checkText = (problems: ProblemList, value: unknown, field: string, max = 10_000): void => {
  if (!isText(value)) problems.add(field, 'required, non-empty text');
  else if (value.length > max) problems.add(field, `at most ${max} characters`);
};

export const checkFutureInstant = (problems: ProblemList, value: unknown, field: string, now: string): void => {
  if (!isIsoInstant(value)) problems.add(field, 'must be an ISO-8601 instant');
  else if (toMillis(value) <= toMillis(now)) problems.add(field, 'must be later than now');
};

export const checkEmployeeIds = (problems: ProblemList, value: unknown, field: string): void => {
  if (isAbsent(value)) return;
  if (!Array.isArray(value) || !value.every(isText)) problems.add(field, 'must be a list of employee ids');
};

export const levelRole = (policy: ComplaintPolicy, level: number): Role => policy.escalation.chain[Math.min(level, topEscalationLevel(policy))];

const majorLevel = (policy: ComplaintPolicy, current: number): number => Math.max(current, escalationLevelOf(policy, policy.major.escalateTo));

/** "Major complaints go up to the general manager at once and leadership is informed." */
export const markedMajor = (
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
export const recordMajorReasons = (policy: ComplaintPolicy, record: { householdCount: number; repeatCount: number; channel: Channel }): MajorReason[] => {
  const reasons: MajorReason[] = [];
  if (record.householdCount >= policy.collective.minHouseholds) reasons.push('collective');
  if (record.repeatCount >= policy.major.repeatCountAtLeast) reasons.push('repeat');
  if (policy.major.channels.includes(record.channel)) reasons.push(channelMajorReason(record.channel));
  return reasons;
};
