/**
 * The complaint view of docs/api.md (`GET /api/complaints/:id`), computed from the folded state.
 * Pure, so the live read model and a rebuild from the event store give the same answer.
 * The complainant is masked unless the caller may see it (the service decides who may).
 */
import type { Complaint } from './complaint.state';
import { overdueDeadlines } from './complaint.deadlines';
import type { Complainant, DeadlineName } from './complaint.types';
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
};

/** 13800138000 → 138****8000 (first 3 and last 4 kept); short numbers keep only their last 2 digits. */
export const maskPhone = (phone: string): string =>
  phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : `${'*'.repeat(Math.max(0, phone.length - 2))}${phone.slice(-2)}`;

/** 刘先生 → 刘**; keeps the first character. */
export const maskName = (name: string): string => (name.length <= 1 ? '*' : `${[...name][0]}${'*'.repeat([...name].length - 1)}`);

const unlessErased = (mask: (value: string) => string) => (value: string) => (value === ERASED_PERSONAL_VALUE ? value : mask(value));

/** The flat number (房号) locates the complainant's home: masked like the contact details. */
export const MASKED_UNIT = '****';

const masked = (c: Complainant): Complainant => ({
  anonymous: c.anonymous,
  ...(c.name !== undefined ? { name: unlessErased(maskName)(c.name) } : {}),
  ...(c.phone !== undefined ? { phone: unlessErased(maskPhone)(c.phone) } : {}),
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
});

/** The view as a user of `role` may see it: contact details in full only for CONTACT_ROLES. */
export const complaintViewFor = (c: Complaint, role: string, now: string): ComplaintView => complaintView(c, now, { revealComplainant: mayReadContact(role) });

/** A personal value as a user of `role` may see it (history entries, exports). */
export const personalValueFor = (value: string, field: PersonalField, role: string): string =>
  mayReadContact(role) || value === ERASED_PERSONAL_VALUE ? value : field === 'complainant.name' ? maskName(value) : field === 'complainant.phone' ? maskPhone(value) : MASKED_UNIT;

