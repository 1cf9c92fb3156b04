import type { ApiClient } from '../api/client';
import type { ComplaintView, DeadlineKey, Me } from '../api/types';
import type { MsgKey } from '../i18n/messages';
import { ESCALATION_CHAIN } from './permissions';

/**
 * The work queue of each role (issue 8): the duty officer sees new complaints to triage;
 * a CS assistant the callbacks and follow-ups due; a department head what the department
 * owes and what is overdue; managers the escalations, major and overdue complaints; an
 * auditor the recent and closed complaints to look into. Every section is built from
 * the public list endpoints only.
 */
export type QueueRow = {
  id: string;
  number: string;
  title: string;
  status: string;
  siteId: string;
  category: string | null;
  department: string | null;
  receivedAt: string | null;
  major: boolean;
  escalationLevel: number;
  overdue: string[];
  nextDue: { name: string; at: string } | null;
  callback?: { attempts: number; round: number };
};

export type QueueSection = {
  key: string;
  title: MsgKey;
  hint?: { key: MsgKey; vars?: Record<string, string> };
  link: 'detail' | 'triage' | 'audit';
  load: (api: ApiClient, signal: AbortSignal) => Promise<QueueRow[]>;
};

const OPEN = ['registered', 'triaged', 'in_progress', 'reopened'];
const HANDLING = ['triaged', 'in_progress', 'reopened'];
const PAGE = 100;

const DUE_ORDER: DeadlineKey[] = ['firstReply', 'secondReply', 'plan', 'resolve', 'followUp', 'callback'];

export const nextDeadline = (view: Pick<ComplaintView, 'deadlines'>, only?: DeadlineKey[]): { name: string; at: string } | null => {
  let best: { name: string; at: string } | null = null;
  for (const name of only ?? DUE_ORDER) {
    const at = view.deadlines?.[name];
    if (at && (!best || new Date(at).getTime() < new Date(best.at).getTime())) best = { name, at };
  }
  return best;
};

export const rowOf = (v: ComplaintView, only?: DeadlineKey[]): QueueRow => ({
  id: v.id,
  number: v.number,
  title: v.title,
  status: v.status,
  siteId: v.siteId,
  category: v.category,
  department: v.department,
  receivedAt: v.receivedAt,
  major: v.major,
  escalationLevel: v.escalationLevel,
  overdue: v.overdue ?? [],
  nextDue: nextDeadline(v, only),
});

const site = (siteId: string): Record<string, string> => (siteId ? { siteId } : {});

/** Complaints in any of `statuses`, merged from one list call per status. */
export const listByStatuses = async (api: ApiClient, statuses: string[], query: Record<string, string | boolean | number | undefined>, signal: AbortSignal): Promise<ComplaintView[]> => {
  const pages = await Promise.all(statuses.map((status) => api.listComplaints({ ...query, status, pageSize: PAGE }, signal)));
  return pages.flatMap((p) => p.items);
};

const byDue = (a: QueueRow, b: QueueRow) => (a.nextDue ? new Date(a.nextDue.at).getTime() : Infinity) - (b.nextDue ? new Date(b.nextDue.at).getTime() : Infinity);
const byReceived = (a: QueueRow, b: QueueRow) => new Date(a.receivedAt ?? 0).getTime() - new Date(b.receivedAt ?? 0).getTime();

const overdueSection = (siteId: string, extra: Record<string, string> = {}, title: MsgKey = 'queue.overdue'): QueueSection => ({
  key: 'overdue',
  title,
  hint: { key: 'queue.overdue.hint' },
  link: 'detail',
  load: async (api, signal) => (await api.listComplaints({ ...site(siteId), ...extra, overdue: true, pageSize: PAGE }, signal)).items.map((v) => rowOf(v)).sort(byDue),
});

const toTriage = (siteId: string, title: MsgKey = 'queue.duty.toTriage'): QueueSection => ({
  key: 'toTriage',
  title,
  hint: { key: 'queue.duty.toTriage.hint' },
  link: 'triage',
  load: async (api, signal) => (await api.listComplaints({ ...site(siteId), status: 'registered', pageSize: PAGE }, signal)).items.map((v) => rowOf(v)).sort(byReceived),
});

const callbacksDue = (siteId: string): QueueSection => ({
  key: 'callbacks',
  title: 'queue.assistant.callbacks',
  hint: { key: 'queue.assistant.callbacks.hint' },
  link: 'detail',
  load: async (api, signal) => {
    const [tasks, resolved] = await Promise.all([
      api.callbacks({ ...site(siteId), status: 'open', pageSize: PAGE }, signal),
      api.listComplaints({ ...site(siteId), status: 'resolved', pageSize: PAGE }, signal),
    ]);
    const views = new Map(resolved.items.map((v) => [v.id, v]));
    const rows: QueueRow[] = tasks.items.map((task) => {
      const v = views.get(task.complaintId);
      return {
        ...(v ? rowOf(v, ['callback']) : { id: task.complaintId, number: task.number, title: '', status: 'resolved', siteId: task.siteId, category: null, department: null, receivedAt: null, major: false, escalationLevel: 0, overdue: [] }),
        nextDue: task.dueAt ? { name: 'callback', at: task.dueAt } : null,
        callback: { attempts: task.attempts, round: task.round },
      };
    });
    // A resolved complaint the callback queue has not picked up yet still needs its callback.
    for (const v of resolved.items) if (!rows.some((r) => r.id === v.id)) rows.push(rowOf(v, ['callback']));
    return rows.sort(byDue);
  },
});

const followUps = (siteId: string): QueueSection => ({
  key: 'followUps',
  title: 'queue.assistant.followUps',
  hint: { key: 'queue.assistant.followUps.hint' },
  link: 'detail',
  load: async (api, signal) =>
    (await listByStatuses(api, OPEN, site(siteId), signal))
      .map((v) => rowOf(v, ['firstReply', 'secondReply', 'followUp', 'plan']))
      .filter((r) => r.nextDue !== null)
      .sort(byDue),
});

const departmentOwes = (siteId: string, departments: string[]): QueueSection => ({
  key: 'owed',
  title: 'queue.dept.owed',
  hint: { key: 'queue.dept.owed.hint', vars: { dept: departments.join(', ') } },
  link: 'detail',
  load: async (api, signal) => {
    const lists = await Promise.all(departments.map((department) => listByStatuses(api, HANDLING, { ...site(siteId), department }, signal)));
    return lists
      .flat()
      .map((v) => rowOf(v))
      .sort(byDue);
  },
});

const departmentOverdue = (siteId: string, departments: string[]): QueueSection => ({
  key: 'deptOverdue',
  title: 'queue.dept.overdue',
  hint: { key: 'queue.overdue.hint' },
  link: 'detail',
  load: async (api, signal) => {
    const pages = await Promise.all(departments.map((department) => api.listComplaints({ ...site(siteId), department, overdue: true, pageSize: PAGE }, signal)));
    return pages
      .flatMap((p) => p.items)
      .map((v) => rowOf(v))
      .sort(byDue);
  },
});

const departmentResolved = (siteId: string, departments: string[]): QueueSection => ({
  key: 'deptResolved',
  title: 'queue.dept.resolved',
  link: 'detail',
  load: async (api, signal) => {
    const pages = await Promise.all(departments.map((department) => api.listComplaints({ ...site(siteId), department, status: 'resolved', pageSize: PAGE }, signal)));
    return pages
      .flatMap((p) => p.items)
      .map((v) => rowOf(v, ['callback']))
      .sort(byDue);
  },
});

const escalatedTo = (siteId: string, role: string): QueueSection => {
  const level = Math.max(1, ESCALATION_CHAIN.indexOf(role));
  return {
    key: 'escalated',
    title: 'queue.manager.escalated',
    hint: { key: 'queue.manager.escalated.hint', vars: { role } },
    link: 'detail',
    load: async (api, signal) =>
      (await listByStatuses(api, OPEN, site(siteId), signal))
        .filter((v) => v.escalationLevel >= level)
        .map((v) => rowOf(v))
        .sort((a, b) => b.escalationLevel - a.escalationLevel || byDue(a, b)),
  };
};

const majorOpen = (siteId: string): QueueSection => ({
  key: 'major',
  title: 'queue.manager.major',
  link: 'detail',
  load: async (api, signal) =>
    (await api.listComplaints({ ...site(siteId), major: true, pageSize: PAGE }, signal)).items
      .filter((v) => v.status !== 'closed')
      .map((v) => rowOf(v))
      .sort(byDue),
});

const recent = (siteId: string, key: string, title: MsgKey, link: QueueSection['link'], status?: string): QueueSection => ({
  key,
  title,
  link,
  load: async (api, signal) => (await api.listComplaints({ ...site(siteId), ...(status ? { status } : {}), pageSize: 15 }, signal)).items.map((v) => rowOf(v)),
});

export const queueFor = (me: Pick<Me, 'role' | 'departments'>, siteId: string): QueueSection[] => {
  switch (me.role) {
    case 'duty_officer':
      return [toTriage(siteId), recent(siteId, 'recent', 'queue.duty.recent', 'detail')];
    case 'cs_assistant':
      return [callbacksDue(siteId), followUps(siteId), overdueSection(siteId)];
    case 'cs_supervisor':
      return [callbacksDue(siteId), followUps(siteId), overdueSection(siteId), majorOpen(siteId)];
    case 'cs_manager':
    case 'general_manager':
      return [escalatedTo(siteId, me.role), majorOpen(siteId), overdueSection(siteId), toTriage(siteId, 'queue.manager.triage'), callbacksDue(siteId)];
    case 'leadership':
      return [escalatedTo(siteId, me.role), majorOpen(siteId), overdueSection(siteId)];
    case 'department_head':
    case 'handler':
      return me.departments.length === 0
        ? [overdueSection(siteId)]
        : [departmentOwes(siteId, me.departments), departmentOverdue(siteId, me.departments), departmentResolved(siteId, me.departments)];
    case 'auditor':
      return [recent(siteId, 'recent', 'queue.auditor.recent', 'audit'), recent(siteId, 'closed', 'queue.auditor.closed', 'audit', 'closed')];
    default:
      return [recent(siteId, 'recent', 'queue.auditor.recent', 'detail'), overdueSection(siteId)];
  }
};
