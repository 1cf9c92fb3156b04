/**
 * The complaint view of docs/api.md (`GET /api/complaints/:id`), computed from the folded state.
 * Pure, so the live read model and a rebuild from the event store give the same answer.
 * The complainant is masked unless the caller may see it (the service decides who may).
 */
import type { Actor } from '../common/actor';
import { ValidationError } from '../common/domain-errors';
import type { Complaint } from './complaint.state';
import type { ComplaintCommand, ComplaintCommandType } from './complaint.commands';
import { overdueDeadlines } from './complaint.deadlines';
import { decide } from './complaint.decider';
import type { DecisionContext } from './decision-context';
import type { Complainant, DeadlineName, ReplyKind } from './complaint.types';
import { ERASED_PERSONAL_VALUE, mayReadContact, type PersonalField } from './personal-data';

export type ComplaintView = {
  id: string;
  number: string;
  siteId: string;
  channel: Complaint['channel'];
  status: Complaint['status'];
  nature: Complaint['nature'] | null;
  severity: Complaint['severity'] | null;
  urgency: Complaint['urgency'] | null;
  major: boolean;
  majorReasons: Complaint['majorReasons'];
  category: string | null;
  department: string | null;
  assignee: string | null;
  complainant: Complainant;
  /** The complainant's name and phone were erased (they read as "[erased]"). */
  personalDataErased: boolean;
  title: string;
  description: string;
  receivedAt: string;
  deadlines: { firstReply: string | null; secondReply: string | null; plan: string | null; resolve: string | null; callback: string | null; followUp: string | null };
  overdue: DeadlineName[];
  escalationLevel: number;
  reopenCount: number;
  satisfaction: number | null;
  closedAt: string | null;
  archived: boolean;
  repeatOf: string | null;
  collective: boolean;
  policyVersion: string;
  version: number;
  /** Compensation approved on this complaint so far, all approvals together (核决权限 counts the total). */
  compensationTotal: number;
  /**
   * What the caller may do now (`complaintViewFor` with the caller and the site's policy),
   * in the order a page offers them; absent when the view is computed for nobody in particular.
   */
  actions?: ComplaintAction[];
  /** The reply kinds the caller may record now (first, second, progress), when `actions` holds `reply`. */
  replyKinds?: ReplyKind[];
};

/** The actions a user can take on a complaint, each one command (and one endpoint) of docs/api.md. */
export type ComplaintAction =
  | 'triage'
  | 'refer'
  | 'reply'
  | 'plan'
  | 'resolve'
  | 'escalate'
  | 'reassign'
  | 'markMajor'
  | 'compensate'
  | 'outreach'
  | 'callback'
  | 'exempt'
  | 'correct'
  | 'archive'
  | 'erase';

/**
 * How an action is probed: its command, and data that is either complete (`complete`: the
 * decider's answer is the real one, a refused datum included) or deliberately left empty
 * (what the user will type is not known yet: a refusal of the data alone leaves it open).
 */
type Probe = { command: ComplaintCommandType; data: (c: Complaint, ctx: DecisionContext) => Record<string, unknown>; complete: boolean };

const PROBE_TEXT = '·';

const PROBES: Record<ComplaintAction, Probe> = {
  triage: { command: 'TriageComplaint', data: () => ({}), complete: false },
  refer: { command: 'ReferComplaintToManager', data: () => ({ reason: PROBE_TEXT }), complete: true },
  // `reply` is open when any kind is (replyKinds).
  reply: { command: 'RecordReply', data: () => ({ kind: 'progress', message: PROBE_TEXT }), complete: true },
  plan: { command: 'RecordRectificationPlan', data: () => ({}), complete: false },
  resolve: { command: 'ResolveComplaint', data: () => ({}), complete: false },
  escalate: { command: 'EscalateComplaint', data: () => ({ reason: PROBE_TEXT }), complete: true },
  reassign: { command: 'ReassignComplaint', data: () => ({}), complete: false },
  markMajor: { command: 'MarkComplaintMajor', data: () => ({}), complete: false },
  // The smallest amount: refused only when the approver's limit is used up on this complaint.
  compensate: { command: 'ApproveCompensation', data: () => ({ amount: 0.01, reason: PROBE_TEXT }), complete: true },
  outreach: { command: 'RecordOutreach', data: () => ({ kind: 'visit', note: PROBE_TEXT }), complete: true },
  // An unreached visit: a method every complaint accepts, so the roles for a major complaint's visit decide.
  callback: { command: 'RecordCallback', data: (_c, { policy }) => ({ method: policy.callback.majorMethod, reached: false }), complete: true },
  exempt: { command: 'ExemptFromCallback', data: () => ({}), complete: false },
  correct: { command: 'CorrectComplaint', data: () => ({}), complete: false },
  archive: { command: 'ArchiveComplaint', data: () => ({}), complete: true },
  erase: { command: 'ErasePersonalData', data: () => ({ reason: PROBE_TEXT }), complete: true },
};

const ACTION_ORDER = Object.keys(PROBES) as ComplaintAction[];

/**
 * Whether the decider would take the command: it appends something, or (for data still to be
 * typed) it refuses only the data. A command that changes nothing (erasing again) is not offered.
 * Checks run in the decider's order — existence, role, status, conflict of interest, data — so
 * every refusal before the data is the same 403/409 the endpoint would answer.
 */
const accepts = (c: Complaint, probe: Probe, data: Record<string, unknown>, actor: Actor, now: string, ctx: DecisionContext): boolean => {
  try {
    return decide({ type: probe.command, data, metadata: { now, actor } } as ComplaintCommand, c, ctx).length > 0;
  } catch (error) {
    return !probe.complete && error instanceof ValidationError;
  }
};

const REPLY_KINDS: readonly ReplyKind[] = ['first', 'second', 'progress'];

/** The reply kinds `actor` may record now: a first reply once, a second after it, progress notes while active. */
export const replyKindsFor = (c: Complaint, actor: Actor, now: string, ctx: DecisionContext): ReplyKind[] =>
  REPLY_KINDS.filter((kind) => accepts(c, PROBES.reply, { kind, message: PROBE_TEXT }, actor, now, ctx));

/**
 * The actions `actor` may take on the complaint now, asked of the decider itself under the
 * site's policy (its `permissions`, the status rules, conflict of interest, authority limits),
 * so the list can never promise what the endpoint then refuses for the role or the status.
 */
export const complaintActions = (c: Complaint, actor: Actor, now: string, ctx: DecisionContext): ComplaintAction[] =>
  ACTION_ORDER.filter((action) =>
    action === 'reply' ? replyKindsFor(c, actor, now, ctx).length > 0 : accepts(c, PROBES[action], PROBES[action].data(c, ctx), actor, now, ctx),
  );

/** 13800138000 → 138****8000 (first 3 and last 4 kept); short numbers keep only their last 2 digits. */
export const maskPhone = (phone: string): string =>
  phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : `${'*'.repeat(Math.max(0, phone.length - 2))}${phone.slice(-2)}`;

/** 刘先生 → 刘**; keeps the first character. */
export const maskName = (name: string): string => (name.length <= 1 ? '*' : `${[...name][0]}${'*'.repeat([...name].length - 1)}`);

/** liu@example.com → l***@example.com; keeps the first character and the domain. */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
};

const unlessErased = (mask: (value: string) => string) => (value: string) => (value === ERASED_PERSONAL_VALUE ? value : mask(value));

/** The flat number (房号) locates the complainant's home: masked like the contact details. */
export const MASKED_UNIT = '****';

const masked = (c: Complainant): Complainant => ({
  anonymous: c.anonymous,
  ...(c.name !== undefined ? { name: unlessErased(maskName)(c.name) } : {}),
  ...(c.phone !== undefined ? { phone: unlessErased(maskPhone)(c.phone) } : {}),
  ...(c.email !== undefined ? { email: unlessErased(maskEmail)(c.email) } : {}),
  ...(c.building !== undefined ? { building: c.building } : {}),
  ...(c.unit !== undefined ? { unit: unlessErased(() => MASKED_UNIT)(c.unit) } : {}),
});

export const complaintView = (c: Complaint, now: string, options: { revealComplainant?: boolean } = {}): ComplaintView => ({
  id: c.id,
  number: c.number,
  siteId: c.siteId,
  channel: c.channel,
  status: c.status,
  nature: c.nature ?? null,
  severity: c.severity ?? null,
  urgency: c.urgency ?? null,
  major: c.major,
  majorReasons: c.majorReasons,
  category: c.category ?? null,
  department: c.department ?? null,
  assignee: c.assignee ?? null,
  complainant: options.revealComplainant ? c.complainant : masked(c.complainant),
  personalDataErased: c.personalDataErased === true,
  title: c.title,
  description: c.description,
  receivedAt: c.receivedAt,
  deadlines: {
    firstReply: c.deadlines.firstReply ?? null,
    secondReply: c.deadlines.secondReply ?? null,
    plan: c.deadlines.plan ?? null,
    resolve: c.deadlines.resolve ?? null,
    callback: c.deadlines.callback ?? null,
    followUp: c.deadlines.followUp ?? null,
  },
  overdue: overdueDeadlines(c, now).map((o) => o.deadline),
  escalationLevel: c.escalationLevel,
  reopenCount: c.reopenCount,
  satisfaction: c.satisfaction ?? null,
  closedAt: c.closedAt ?? null,
  archived: c.archived,
  repeatOf: c.repeatOf ?? null,
  collective: c.collective,
  policyVersion: c.policyVersion,
  version: c.version,
  compensationTotal: c.compensationTotal ?? 0,
});

/**
 * The view as a user of `role` may see it: contact details in full only for CONTACT_ROLES.
 * Given the caller (`actor`) and the decision context of the complaint's site, it also
 * carries the actions the caller may take now (`actions`, `replyKinds`).
 */
export const complaintViewFor = (c: Complaint, role: string, now: string, caller?: { actor: Actor; context: DecisionContext }): ComplaintView => {
  const view = complaintView(c, now, { revealComplainant: mayReadContact(role) });
  if (!caller) return view;
  const actions = complaintActions(c, caller.actor, now, caller.context);
  return { ...view, actions, replyKinds: actions.includes('reply') ? replyKindsFor(c, caller.actor, now, caller.context) : [] };
};

/** A personal value as a user of `role` may see it (history entries, exports). */
export const personalValueFor = (value: string, field: PersonalField, role: string): string =>
  mayReadContact(role) || value === ERASED_PERSONAL_VALUE ? value : field === 'complainant.name' ? maskName(value) : field === 'complainant.phone' ? maskPhone(value) : field === 'complainant.email' ? maskEmail(value) : MASKED_UNIT;

