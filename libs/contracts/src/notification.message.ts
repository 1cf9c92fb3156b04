/**
 * The integration event on `complaints.notifications.v1`: someone must be told that a
 * complaint was chased (催办), escalated (升级), became major (重大投诉) or was closed (the
 * outcome, told to its first-contact owner 首问责任人), or that an emergency (抢险抢修) was
 * routed to a department (the chain's first link, within 3 minutes of receipt). The relay derives it from the stored
 * event; a notifier adapter delivers it. It carries no personal data of the complainant:
 * ids, roles, the deadline and the level only (the first-contact owner is an employee).
 */
import { renderMessage, type MessageParams } from './i18n/catalogue';

export type NotificationKind = 'chase' | 'escalation' | 'major' | 'outcome' | 'emergency';

/** `toRole` of an outcome notice: the person in `toUser`, whatever their role. */
export const FIRST_CONTACT_OWNER = 'first_contact_owner';

export type NotificationMessage = {
  schemaVersion: 1;
  /** Id of the complaint event this notification comes from (de-duplication key). */
  eventId: string;
  kind: NotificationKind;
  complaintId: string;
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
  if (parsed.schemaVersion !== 1 || typeof parsed.eventId !== 'string' || typeof parsed.kind !== 'string' || typeof parsed.complaintId !== 'string') {
    throw new Error('not a notification message (schemaVersion 1)');
  }
  return parsed as NotificationMessage;
};
