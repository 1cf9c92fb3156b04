import type { ComplaintView, HistoryEvent, Me } from '../api/types';

/**
 * Which actions the detail page offers: the default policy's permissions
 * (DEFAULT_POLICY.permissions) and the decider's status rules, mirrored here so the page
 * shows only what is allowed now. The server stays the judge — a site may override the
 * policy — and its 403/409 is shown as it comes.
 */
export type Action = 'triage' | 'refer' | 'reply' | 'plan' | 'resolve' | 'escalate' | 'reassign' | 'callback' | 'exempt' | 'erase';

const CS_STAFF = ['cs_assistant', 'cs_supervisor', 'cs_manager', 'general_manager'];

export const ROLE_PERMISSIONS: Record<Action | 'register', string[]> = {
  register: ['duty_officer', ...CS_STAFF],
  triage: ['duty_officer', ...CS_STAFF],
  refer: ['duty_officer', 'cs_assistant', 'cs_supervisor'],
  reply: ['duty_officer', ...CS_STAFF, 'department_head', 'handler'],
  plan: [...CS_STAFF, 'department_head', 'handler'],
  resolve: [...CS_STAFF, 'department_head', 'handler'],
  escalate: ['duty_officer', ...CS_STAFF, 'department_head'],
  reassign: ['duty_officer', ...CS_STAFF],
  callback: [...CS_STAFF, 'leadership'],
  exempt: [...CS_STAFF],
  // Erasure of the complainant's personal data: any status, archived records included.
  erase: ['admin'],
};

/** The default escalation chain: level 0 assistant → 1 CS manager → 2 general manager → 3 leadership. */
export const ESCALATION_CHAIN = ['cs_assistant', 'cs_manager', 'general_manager', 'leadership'];
export const TOP_LEVEL = ESCALATION_CHAIN.length - 1;
/** Who triages a case referred to the manager; who does the on-site callback of a major complaint. */
export const REFERRED_CASE_ROLES = ['cs_manager', 'general_manager'];
export const MAJOR_VISIT_ROLES = ['cs_manager', 'general_manager'];
export const DEPARTMENT_ROLES = ['department_head', 'handler'];

const ACTIVE = ['registered', 'triaged', 'in_progress', 'reopened'];
const HANDLING = ['triaged', 'in_progress', 'reopened'];

export const may = (role: string, action: Action | 'register'): boolean => ROLE_PERMISSIONS[action].includes(role);

/** Facts the view does not carry, read from the history since the last reopening. */
export type CaseFacts = { firstReplyGiven: boolean; secondReplyGiven: boolean; referred: boolean; triagedAutomatically: boolean };

export const factsFromHistory = (events: HistoryEvent[]): CaseFacts => {
  const facts: CaseFacts = { firstReplyGiven: false, secondReplyGiven: false, referred: false, triagedAutomatically: false };
  for (const e of events) {
    switch (e.type) {
      case 'FirstReplyGiven':
        facts.firstReplyGiven = true;
        break;
      case 'SecondReplyGiven':
        facts.secondReplyGiven = true;
        break;
      case 'ComplaintReopened':
        facts.firstReplyGiven = false;
        facts.secondReplyGiven = false;
        break;
      case 'ComplaintReferredToManager':
        facts.referred = true;
        break;
      case 'ComplaintTriaged':
        facts.referred = false;
        facts.triagedAutomatically = (e.actor?.role ?? (e.data.actor as { role?: string } | undefined)?.role) === 'system' || e.data.automatic === true;
        break;
    }
  }
  return facts;
};

export type ReplyKind = 'first' | 'second' | 'progress';

export const replyKinds = (view: ComplaintView, facts: CaseFacts): ReplyKind[] => {
  if (!ACTIVE.includes(view.status)) return [];
  const kinds: ReplyKind[] = [];
  if (!facts.firstReplyGiven) kinds.push('first');
  if (facts.firstReplyGiven && !facts.secondReplyGiven) kinds.push('second');
  kinds.push('progress');
  return kinds;
};

/** The actions this user may take on this complaint now, in the order the page shows them. */
export const allowedActions = (view: ComplaintView, me: Pick<Me, 'role' | 'departments'>, facts: CaseFacts): Action[] => {
  const erase: Action[] = may(me.role, 'erase') && !view.personalDataErased ? ['erase'] : [];
  if (view.archived || view.status === 'closed') return erase;
  const role = me.role;
  // Department staff act on their own departments' complaints only.
  if (DEPARTMENT_ROLES.includes(role) && !(view.department && me.departments.includes(view.department))) return [];
  const out: Action[] = [];
  const s = view.status;
  const canTriage =
    (s === 'registered' && (!facts.referred || REFERRED_CASE_ROLES.includes(role))) || (s === 'triaged' && facts.triagedAutomatically);
  if (may(role, 'triage') && canTriage) out.push('triage');
  if (may(role, 'refer') && s === 'registered' && !facts.referred) out.push('refer');
  if (may(role, 'reply') && ACTIVE.includes(s)) out.push('reply');
  if (may(role, 'plan') && HANDLING.includes(s) && view.nature !== 'invalid') out.push('plan');
  if (may(role, 'resolve') && HANDLING.includes(s)) out.push('resolve');
  if (may(role, 'escalate') && ACTIVE.includes(s) && view.escalationLevel < TOP_LEVEL) out.push('escalate');
  if (may(role, 'reassign') && HANDLING.includes(s)) out.push('reassign');
  if (may(role, 'callback') && s === 'resolved' && (!view.major || MAJOR_VISIT_ROLES.includes(role))) out.push('callback');
  if (may(role, 'exempt') && s === 'resolved') out.push('exempt');
  return [...out, ...erase];
};

export type NavItem = 'queue' | 'register' | 'list' | 'dashboard' | 'monthly' | 'audit';

/** The pages a role sees in the navigation. */
export const navFor = (role: string): NavItem[] => {
  const items: NavItem[] = ['queue'];
  if (may(role, 'register')) items.push('register');
  items.push('list');
  if (role !== 'duty_officer' && role !== 'handler') items.push('dashboard');
  if (!['duty_officer', 'handler', 'cs_assistant'].includes(role)) items.push('monthly');
  if (['auditor', 'admin', 'cs_supervisor', 'cs_manager', 'general_manager', 'leadership'].includes(role)) items.push('audit');
  return items;
};
