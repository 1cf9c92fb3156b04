import type { MsgKey } from '../i18n/messages';

/**
 * The forms' own checks, before anything is sent: the same rules the API enforces
 * (docs/api.md bodies, the intake DTO's limits, the decider's triage and callback rules), so a
 * clerk sees the problem beside the input at once. The server is still the judge; its
 * `details` are shown beside the same inputs (field names are the API's).
 */
export type Problem = { key: MsgKey; vars?: Record<string, string | number> };
export type Problems = Record<string, Problem>;

const blank = (v: string | undefined | null) => v === undefined || v === null || v.trim() === '';
const required = (problems: Problems, field: string, value: string | undefined | null, max?: number) => {
  if (blank(value)) problems[field] = { key: 'validation.required' };
  else if (max !== undefined && (value as string).length > max) problems[field] = { key: 'validation.tooLong', vars: { max } };
};
const maxLen = (problems: Problems, field: string, value: string | undefined | null, max: number) => {
  if (!blank(value) && (value as string).length > max) problems[field] = { key: 'validation.tooLong', vars: { max } };
};
/** `datetime-local` value → instant; '' → undefined. */
export const localToIso = (local: string): string | undefined => {
  if (blank(local)) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};
/** ISO with the browser's offset, e.g. 2026-03-02T08:30:00+08:00 (the API wants strict ISO-8601). */
export const localToOffsetIso = (local: string): string | undefined => {
  const iso = localToIso(local);
  if (!iso) return undefined;
  const d = new Date(iso);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
};
/** An instant → the `datetime-local` input's value in the browser's zone. */
export const isoToLocal = (iso: string | Date, seconds = false): string => {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}${seconds ? `:${p(d.getSeconds())}` : ''}`;
};

export const PHONE = /^[0-9+\-() ]{3,30}$/;
/** The API's e-mail pattern (register-complaint.dto.ts): something@domain.tld, no spaces or brackets. */
const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;
export const SITE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RegistrationForm = {
  siteId: string;
  channel: string;
  name: string;
  phone: string;
  email: string;
  building: string;
  unit: string;
  anonymous: boolean;
  title: string;
  description: string;
  request: string;
  occurredAt: string;
  categoryHint: string;
  householdCount: string;
  relatedComplaintId: string;
};

export const emptyRegistration = (siteId = ''): RegistrationForm => ({
  siteId,
  channel: 'phone',
  name: '',
  phone: '',
  email: '',
  building: '',
  unit: '',
  anonymous: false,
  title: '',
  description: '',
  request: '',
  occurredAt: '',
  categoryHint: '',
  householdCount: '1',
  relatedComplaintId: '',
});

export const validateRegistration = (f: RegistrationForm, now = Date.now()): Problems => {
  const p: Problems = {};
  if (blank(f.siteId)) p.siteId = { key: 'validation.required' };
  else if (!SITE_ID.test(f.siteId)) p.siteId = { key: 'validation.siteId' };
  if (blank(f.channel)) p.channel = { key: 'validation.required' };
  maxLen(p, 'complainant.name', f.name, 100);
  if (!f.anonymous) {
    if (blank(f.phone)) p['complainant.phone'] = { key: 'validation.phoneRequired' };
    else if (!PHONE.test(f.phone.trim())) p['complainant.phone'] = { key: 'validation.phone' };
  } else if (!blank(f.phone) && !PHONE.test(f.phone.trim())) p['complainant.phone'] = { key: 'validation.phone' };
  if (!blank(f.email) && !EMAIL.test(f.email.trim())) p['complainant.email'] = { key: 'validation.email' };
  maxLen(p, 'complainant.building', f.building, 50);
  maxLen(p, 'complainant.unit', f.unit, 50);
  required(p, 'title', f.title, 200);
  required(p, 'description', f.description, 10_000);
  maxLen(p, 'request', f.request, 5_000);
  if (!blank(f.occurredAt)) {
    const iso = localToIso(f.occurredAt);
    if (iso && new Date(iso).getTime() > now + 60_000) p.occurredAt = { key: 'validation.notFuture' };
  }
  if (!blank(f.householdCount)) {
    const n = Number(f.householdCount);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) p.householdCount = { key: 'validation.positiveInt' };
  }
  if (!blank(f.relatedComplaintId) && !UUID.test(f.relatedComplaintId.trim())) p.relatedComplaintId = { key: 'validation.uuid' };
  return p;
};

export const registrationBody = (f: RegistrationForm): Record<string, unknown> => {
  const opt = (v: string) => (blank(v) ? undefined : v.trim());
  return {
    siteId: f.siteId.trim(),
    channel: f.channel,
    complainant: {
      name: opt(f.name),
      phone: opt(f.phone),
      email: opt(f.email),
      building: opt(f.building),
      unit: opt(f.unit),
      anonymous: f.anonymous,
    },
    title: f.title.trim(),
    description: f.description.trim(),
    request: opt(f.request),
    occurredAt: localToOffsetIso(f.occurredAt),
    categoryHint: opt(f.categoryHint),
    householdCount: blank(f.householdCount) ? undefined : Number(f.householdCount),
    relatedComplaintId: opt(f.relatedComplaintId),
  };
};

export type TriageForm = {
  nature: string;
  severity: string;
  urgency: string;
  major: boolean;
  majorReasons: string[];
  category: string;
  department: string;
  assignee: string;
  note: string;
  invalidReason: string;
};

export const validateTriage = (f: TriageForm): Problems => {
  const p: Problems = {};
  for (const field of ['nature', 'severity', 'urgency', 'category', 'department'] as const) if (blank(f[field])) p[field] = { key: 'validation.required' };
  if (f.nature === 'invalid') {
    if (f.major) p.major = { key: 'validation.invalidNotMajor' };
    if (f.severity === 'major') p.severity = { key: 'validation.invalidNotMajorSeverity' };
  } else if (!blank(f.invalidReason)) p.invalidReason = { key: 'validation.invalidReasonOnlyInvalid' };
  maxLen(p, 'assignee', f.assignee, 100);
  maxLen(p, 'note', f.note, 2_000);
  return p;
};

export const triageBody = (f: TriageForm): Record<string, unknown> => ({
  nature: f.nature,
  severity: f.severity,
  urgency: f.urgency,
  major: f.nature === 'invalid' ? false : f.major,
  ...(f.nature !== 'invalid' && f.major && f.majorReasons.length > 0 ? { majorReasons: f.majorReasons } : {}),
  category: f.category,
  department: f.department,
  ...(blank(f.assignee) ? {} : { assignee: f.assignee.trim() }),
  ...(blank(f.note) ? {} : { note: f.note.trim() }),
  ...(f.nature === 'invalid' && !blank(f.invalidReason) ? { invalidReason: f.invalidReason } : {}),
});

export type ReplyForm = { kind: string; message: string; resolvedOnSpot: boolean; nextReplyDueAt: string };

export const validateReply = (f: ReplyForm, now = Date.now()): Problems => {
  const p: Problems = {};
  if (blank(f.kind)) p.kind = { key: 'validation.required' };
  required(p, 'message', f.message, 5_000);
  if (!blank(f.nextReplyDueAt) && !f.resolvedOnSpot) {
    const iso = localToIso(f.nextReplyDueAt);
    if (!iso || new Date(iso).getTime() <= now) p.nextReplyDueAt = { key: 'validation.future' };
  }
  return p;
};

export const replyBody = (f: ReplyForm): Record<string, unknown> => ({
  kind: f.kind,
  message: f.message.trim(),
  ...(f.kind === 'first' && f.resolvedOnSpot ? { resolvedOnSpot: true } : {}),
  ...(!(f.kind === 'first' && f.resolvedOnSpot) && !blank(f.nextReplyDueAt) ? { nextReplyDueAt: localToOffsetIso(f.nextReplyDueAt) } : {}),
});

export const validatePlan = (f: { measures: string; dueAt: string }, now = Date.now()): Problems => {
  const p: Problems = {};
  required(p, 'measures', f.measures, 5_000);
  if (blank(f.dueAt)) p.dueAt = { key: 'validation.required' };
  else {
    const iso = localToIso(f.dueAt);
    if (!iso || new Date(iso).getTime() <= now) p.dueAt = { key: 'validation.future' };
  }
  return p;
};

export type ResolveForm = { resolution: string; rootCause: string; responsibleDepartment: string; correctiveActions: string; preventiveActions: string };

export const validateResolve = (f: ResolveForm): Problems => {
  const p: Problems = {};
  required(p, 'resolution', f.resolution, 5_000);
  maxLen(p, 'rootCause', f.rootCause, 2_000);
  maxLen(p, 'correctiveActions', f.correctiveActions, 5_000);
  maxLen(p, 'preventiveActions', f.preventiveActions, 5_000);
  return p;
};

export const validateReason = (reason: string, max = 2_000): Problems => {
  const p: Problems = {};
  required(p, 'reason', reason, max);
  return p;
};

export const validateReassign = (f: { department: string; assignee: string; reason: string }, current: { department: string | null; assignee: string | null }): Problems => {
  const p: Problems = {};
  if (blank(f.department)) p.department = { key: 'validation.required' };
  else if (f.department === current.department && (blank(f.assignee) ? null : f.assignee.trim()) === (current.assignee ?? null)) p.department = { key: 'validation.sameAssignment' };
  maxLen(p, 'assignee', f.assignee, 100);
  required(p, 'reason', f.reason, 2_000);
  return p;
};

export type CallbackForm = { method: string; reached: boolean; satisfaction: string; comment: string };

export const validateCallback = (f: CallbackForm, major: boolean): Problems => {
  const p: Problems = {};
  if (blank(f.method)) p.method = { key: 'validation.required' };
  else if (major && f.method !== 'visit') p.method = { key: 'validation.majorNeedsVisit' };
  if (f.reached) {
    const n = Number(f.satisfaction);
    if (blank(f.satisfaction) || !Number.isInteger(n) || n < 1 || n > 5) p.satisfaction = { key: 'validation.satisfaction' };
  } else if (!blank(f.satisfaction)) p.satisfaction = { key: 'validation.noSatisfactionIfUnreached' };
  maxLen(p, 'comment', f.comment, 2_000);
  return p;
};

export const callbackBody = (f: CallbackForm): Record<string, unknown> => ({
  method: f.method,
  reached: f.reached,
  ...(f.reached ? { satisfaction: Number(f.satisfaction) } : {}),
  ...(blank(f.comment) ? {} : { comment: f.comment.trim() }),
});

export const validateMarkMajor = (f: { reasons: string[]; note: string }): Problems => {
  const p: Problems = {};
  if (f.reasons.length === 0) p.reasons = { key: 'validation.required' };
  maxLen(p, 'note', f.note, 2_000);
  return p;
};

export const validateCompensation = (f: { amount: string; reason: string }): Problems => {
  const p: Problems = {};
  const n = Number(f.amount);
  if (blank(f.amount)) p.amount = { key: 'validation.required' };
  else if (!Number.isFinite(n) || n <= 0) p.amount = { key: 'validation.positiveAmount' };
  required(p, 'reason', f.reason, 1_000);
  return p;
};

export const validateOutreach = (f: { kind: string; note: string }): Problems => {
  const p: Problems = {};
  if (blank(f.kind)) p.kind = { key: 'validation.required' };
  required(p, 'note', f.note, 10_000);
  return p;
};

/** A correction: `value` as typed; `flag` for the anonymous checkbox. */
export type CorrectionForm = { field: string; value: string; flag: boolean; reason: string };

/** Fields a correction may clear (the others need a value): the optional registration fields. */
const CLEARABLE = ['request', 'occurredAt', 'location', 'categoryHint', 'complainant.name', 'complainant.phone', 'complainant.building', 'complainant.unit', 'subjectEmployeeIds'];

export const validateCorrection = (f: CorrectionForm): Problems => {
  const p: Problems = {};
  if (blank(f.field)) p.field = { key: 'validation.required' };
  else if (f.field === 'householdCount') {
    const n = Number(f.value);
    if (blank(f.value) || !Number.isInteger(n) || n < 1) p.value = { key: 'validation.positiveInt' };
  } else if (f.field !== 'complainant.anonymous' && !CLEARABLE.includes(f.field) && blank(f.value)) p.value = { key: 'validation.required' };
  else if (f.field === 'complainant.phone' && !blank(f.value) && !PHONE.test(f.value.trim())) p.value = { key: 'validation.phone' };
  required(p, 'reason', f.reason, 1_000);
  return p;
};

/** The API's `{ field, value, reason }`, the value in the field's own type (number, boolean, list, instant, or null to clear). */
export const correctionBody = (f: CorrectionForm): Record<string, unknown> => {
  const text = f.value.trim();
  const value =
    f.field === 'complainant.anonymous'
      ? f.flag
      : f.field === 'householdCount'
        ? Number(text)
        : f.field === 'subjectEmployeeIds'
          ? text
              .split(/[,，\s]+/)
              .map((v) => v.trim())
              .filter(Boolean)
          : f.field === 'occurredAt'
            ? (localToOffsetIso(f.value) ?? null)
            : text === ''
              ? null
              : text;
  return { field: f.field, value, reason: f.reason.trim() };
};

export const validateArchive = (year: string): Problems => {
  const p: Problems = {};
  if (!blank(year) && !/^\d{4}$/.test(year.trim())) p.year = { key: 'validation.year' };
  return p;
};

export const hasProblems = (p: Problems): boolean => Object.keys(p).length > 0;
