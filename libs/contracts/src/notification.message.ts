/**
 * The integration event on `complaints.notifications.v1`: someone must be told that a
 * complaint was chased (催办), escalated (升级), became major (重大投诉) or was closed (the
 * outcome, told to its first-contact owner 首问责任人), or that an emergency (抢险抢修) was
 * routed to a department (the chain's first link, within 3 minutes of receipt). The relay derives it from the stored
 * event; a notifier adapter delivers it. It carries no personal data of the complainant:
 * ids, roles, the deadline and the level only (the first-contact owner is an employee).
 */
import { renderMessage, type MessageParams } from './i18n/catalogue';

export type NotificationKind = 'chase' | 'escalation' | 'major' | 'outcome' | 'emergency' | 'pack_sign_off_chase' | 'weekly_check_chase' | 'callback_quota';

/** What a records-desk notice is about when it is not one complaint: a site's month (pack, callback quota) or week (supervisor check). */
export type NotificationSubject = { siteId: string; month?: string; week?: string };

/** `toRole` of an outcome notice: the person in `toUser`, whatever their role. */
export const FIRST_CONTACT_OWNER = 'first_contact_owner';

export type NotificationMessage = {
  schemaVersion: 1;
  /** Id of the complaint event this notification comes from (de-duplication key). */
  eventId: string;
  kind: NotificationKind;
  /** The complaint told about; absent on a records-desk notice, which names its `subject` instead. */
  complaintId?: string;
  subject?: NotificationSubject;
  at: string;
  /** Role to tell (the owner of the overdue step, or the level escalated to; `first_contact_owner` for an outcome). */
  toRole: string;
  /** The person to tell, when it is one person (the first-contact owner of a closed complaint). */
  toUser?: { id: string; name?: string };
  toDepartment?: string;
  /** Others to inform (e.g. leadership on a major complaint). */
  alsoNotify?: string[];
  deadline?: string;
  dueAt?: string;
  escalationLevel?: number;
  reason?: string;
  automatic?: boolean;
  /**
   * What to tell, as a code of the shared message catalogue (`notice.chase`, `notice.escalation`,
   * `notice.major`, `notice.outcome`) with its parameters, for the notifier to render in each
   * reader's language (`noticeTexts`). Absent on messages published before codes were added.
   */
  code?: string;
  params?: MessageParams;
};

const NOTIFYING_EVENTS = new Set(['DeadlineChased', 'ComplaintEscalated', 'ComplaintMarkedMajor', 'ComplaintClosed', 'EmergencyDepartmentNotified']);

export const isNotifyingEvent = (type: string): boolean => NOTIFYING_EVENTS.has(type);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The notification a stored complaint event calls for, if any. */
export const notificationFromEvent = (event: { id: string; type: string; data: Record<string, unknown> }, complaintId: string): NotificationMessage | undefined => {
  const d = event.data;
  const base = { schemaVersion: 1 as const, eventId: event.id, complaintId, at: str(d.at) ?? '' };
  switch (event.type) {
    case 'DeadlineChased':
      return {
        ...base,
        kind: 'chase',
        toRole: str(d.notifyRole) ?? 'cs_assistant',
        toDepartment: str(d.notifyDepartment),
        deadline: str(d.deadline),
        dueAt: str(d.dueAt),
        escalationLevel: num(d.escalationLevel),
        code: 'notice.chase',
        params: { deadline: str(d.deadline) ?? '', dueAt: str(d.dueAt) ?? '' },
      };
    case 'ComplaintEscalated': {
      const toRole = str(d.escalatedTo) ?? 'cs_manager';
      return {
        ...base,
        kind: 'escalation',
        toRole,
        deadline: str(d.deadline),
        dueAt: str(d.dueAt),
        escalationLevel: num(d.toLevel),
        reason: str(d.reason),
        automatic: d.automatic === true,
        code: 'notice.escalation',
        params: { level: num(d.toLevel) ?? 0, role: toRole },
      };
    }
    case 'ComplaintMarkedMajor': {
      const toRole = str(d.escalatedTo) ?? 'general_manager';
      const reasons = Array.isArray(d.reasons) ? d.reasons.filter((r): r is string => typeof r === 'string') : [];
      return {
        ...base,
        kind: 'major',
        toRole,
        alsoNotify: Array.isArray(d.notify) ? d.notify.filter((r): r is string => typeof r === 'string') : undefined,
        escalationLevel: num(d.escalationLevel),
        reason: Array.isArray(d.reasons) ? d.reasons.join(',') : undefined,
        code: 'notice.major',
        params: { reasons, role: toRole },
      };
    }
    case 'ComplaintClosed': {
      // The first-contact owner (首问责任人) stays responsible to the end: they are told the outcome.
      const owner = d.informFirstContactOwner as { id?: unknown; name?: unknown } | undefined;
      const id = str(owner?.id);
      if (!id) return undefined;
      const name = str(owner?.name);
      return { ...base, kind: 'outcome', toRole: FIRST_CONTACT_OWNER, toUser: name ? { id, name } : { id }, reason: str(d.basis), code: 'notice.outcome', params: { basis: str(d.basis) ?? '' } };
    }
    case 'EmergencyDepartmentNotified':
      // The emergency chain's first link: the department's head, by `dueBy` (3 minutes after receipt).
      return {
        ...base,
        kind: 'emergency',
        toRole: str(d.notifyRole) ?? 'department_head',
        toDepartment: str(d.department),
        dueAt: str(d.dueBy),
        reason: d.late === true ? 'late' : undefined,
        code: 'notice.emergency',
        params: { department: str(d.department) ?? '', role: str(d.notifyRole) ?? 'department_head', dueAt: str(d.dueBy) ?? '' },
      };
    default:
      return undefined;
  }
};

/** Stream prefixes of the records desk whose chases are notices (monthly pack sign-off, weekly supervisor check, callback quota). */
export const RECORDS_NOTICE_STREAM_PREFIXES = ['monthly-pack-', 'record-check-', 'callback-quota-'] as const;

/**
 * The notification a stored records-desk event calls for, if any: the chase of an unsigned
 * monthly pack (to the roles the domain names in `notifyRoles`), the chase of an overdue
 * weekly supervisor check (to the role in `to`), the month-end callback-quota reminder (to
 * the person short of the minimum). Its `eventId` is the event's id: delivered once.
 */
export const notificationFromRecordsEvent = (event: { id: string; type: string; data: Record<string, unknown> }): NotificationMessage | undefined => {
  const d = event.data;
  const siteId = str(d.siteId);
  if (!siteId) return undefined;
  const base = { schemaVersion: 1 as const, eventId: event.id, at: str(d.at) ?? '' };
  switch (event.type) {
    case 'MonthlyPackSignOffChased': {
      const roles = Array.isArray(d.notifyRoles) ? d.notifyRoles.filter((r): r is string => typeof r === 'string') : [];
      const toRole = roles[0] ?? 'cs_manager';
      const month = str(d.month) ?? '';
      return {
        ...base,
        kind: 'pack_sign_off_chase',
        subject: { siteId, month },
        toRole,
        alsoNotify: roles.length > 1 ? roles.slice(1) : undefined,
        dueAt: str(d.dueBy),
        code: 'notice.packSignOffChase',
        params: { siteId, month, dueBy: str(d.dueBy) ?? '', role: roles.length ? roles : [toRole] },
      };
    }
    case 'WeeklyCheckChased': {
      const toRole = str(d.to) ?? 'cs_manager';
      const week = str(d.week) ?? '';
      return {
        ...base,
        kind: 'weekly_check_chase',
        subject: { siteId, week },
        toRole,
        dueAt: str(d.dueAt),
        escalationLevel: num(d.level),
        code: 'notice.weeklyCheckChase',
        params: { siteId, week, dueAt: str(d.dueAt) ?? '', level: num(d.level) ?? 0, role: toRole },
      };
    }
    case 'CallbackQuotaReminded': {
      const actorId = str(d.actorId);
      if (!actorId) return undefined;
      const name = str(d.actorName);
      const month = str(d.month) ?? '';
      return {
        ...base,
        kind: 'callback_quota',
        subject: { siteId, month },
        toRole: str(d.role) ?? 'cs_manager',
        toUser: name ? { id: actorId, name } : { id: actorId },
        code: 'notice.callbackQuota',
        params: { siteId, month, callbacks: num(d.callbacks) ?? 0, required: num(d.required) ?? 0, missing: num(d.missing) ?? 0, daysLeft: num(d.daysLeft) ?? 0 },
      };
    }
    default:
      return undefined;
  }
};

/** A notification's text in both languages, from its code (older messages: from its kind and fields). */
export const noticeTexts = (n: NotificationMessage): { 'zh-CN': string; en: string } => {
  const coded = n.code ? { code: n.code, params: n.params ?? {} } : codedNotice(n);
  return { 'zh-CN': renderMessage('zh', coded.code, coded.params), en: renderMessage('en', coded.code, coded.params) };
};

/** The code a notification published before codes were added stands for. */
const codedNotice = (n: NotificationMessage): { code: string; params: MessageParams } => {
  switch (n.kind) {
    case 'chase':
      return { code: 'notice.chase', params: { deadline: n.deadline ?? '', dueAt: n.dueAt ?? '' } };
    case 'escalation':
      return { code: 'notice.escalation', params: { level: n.escalationLevel ?? 0, role: n.toRole } };
    case 'major':
      return { code: 'notice.major', params: { reasons: (n.reason ?? '').split(',').filter(Boolean), role: n.toRole } };
    case 'emergency':
      return { code: 'notice.emergency', params: { department: n.toDepartment ?? '', role: n.toRole, dueAt: n.dueAt ?? '' } };
    default:
      return { code: 'notice.outcome', params: { basis: n.reason ?? '' } };
  }
};

export const parseNotificationMessage = (value: string): NotificationMessage => {
  const parsed = JSON.parse(value) as Partial<NotificationMessage>;
  const about = typeof parsed.complaintId === 'string' || (typeof parsed.subject === 'object' && parsed.subject !== null && typeof parsed.subject.siteId === 'string');
  if (parsed.schemaVersion !== 1 || typeof parsed.eventId !== 'string' || typeof parsed.kind !== 'string' || !about) {
    throw new Error('not a notification message (schemaVersion 1)');
  }
  return parsed as NotificationMessage;
};
