import type { Complaint } from '@complaints/domain';

/** The deadlines API.md names, in its order; other pending deadlines follow. */
const API_DEADLINES = ['firstReply', 'secondReply', 'plan', 'resolve', 'callback'] as const;

export type ComplaintView = {
  id: string;
  number: string;
  siteId: string;
  channel: string;
  status: string;
  nature: string | null;
  severity: string | null;
  urgency: string | null;
  major: boolean;
  category: string | null;
  department: string | null;
  assignee: string | null;
  complainant: Record<string, unknown>;
  title: string;
  description: string;
  receivedAt: string;
  deadlines: Record<string, string | null>;
  overdue: string[];
  escalationLevel: number;
  reopenCount: number;
  satisfaction: number | null;
  closedAt: string | null;
  relatedComplaintId: string | null;
  repeatCount: number;
  version: number;
};

/** Roles that work with the complainant directly see their contact details in full. */
const SEES_CONTACT = new Set(['duty_officer', 'cs_assistant', 'cs_supervisor', 'cs_manager', 'general_manager', 'admin']);

const maskName = (name: unknown) => (typeof name === 'string' && name.length > 0 ? `${name[0]}${'*'.repeat(Math.max(1, name.length - 1))}` : name);
const maskPhone = (phone: unknown) =>
  typeof phone === 'string' && phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : typeof phone === 'string' ? '****' : phone;

export const presentComplainant = (complainant: Record<string, unknown>, role: string): Record<string, unknown> =>
  SEES_CONTACT.has(role) ? complainant : { ...complainant, name: maskName(complainant.name), phone: maskPhone(complainant.phone) };

export const presentComplaint = (state: Complaint, role: string, now: Date): ComplaintView => {
  const deadlines: Record<string, string | null> = {};
  for (const name of API_DEADLINES) deadlines[name] = state.deadlines[name] ?? null;
  for (const [name, due] of Object.entries(state.deadlines)) if (!(name in deadlines)) deadlines[name] = due ?? null;
  const overdue = Object.entries(state.deadlines)
    .filter(([, due]) => typeof due === 'string' && new Date(due).getTime() < now.getTime())
    .map(([name]) => name);
  return {
    id: state.id,
    number: state.number,
    siteId: state.siteId,
    channel: state.channel,
    status: state.status,
    nature: state.nature ?? null,
    severity: state.severity ?? null,
    urgency: state.urgency ?? null,
    major: state.major,
    category: state.category ?? null,
    department: state.department ?? null,
    assignee: state.assignee ?? null,
    complainant: presentComplainant(state.complainant as Record<string, unknown>, role),
    title: state.title,
    description: state.description,
    receivedAt: state.receivedAt,
    deadlines,
    overdue,
    escalationLevel: state.escalationLevel,
    reopenCount: state.reopenCount,
    satisfaction: state.satisfaction ?? null,
    closedAt: state.closedAt ?? null,
    relatedComplaintId: state.relatedComplaintId ?? null,
    repeatCount: state.repeatCount,
    version: state.version,
  };
};
