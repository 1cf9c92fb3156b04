import type { ComplaintView, HistoryEvent } from '../api/types';

/**
 * Which actions the detail page offers: the view's own `actions` (and `replyKinds`), which
 * the server computes from the domain's policy for the signed-in user — the site's
 * permissions, the status rules, conflict of interest, authority limits. The page keeps no
 * copy of those rules; the server's 403/409 is still shown as it comes.
 */
export type Action =
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

/** Who may register (a page of its own, not an action on a complaint): the default policy's RegisterComplaint. */
export const REGISTER_ROLES = ['duty_officer', 'cs_assistant', 'cs_supervisor', 'cs_manager', 'general_manager'];

/** The default escalation chain: level 0 assistant → 1 CS manager → 2 general manager → 3 leadership (for showing a level's role). */
export const ESCALATION_CHAIN = ['cs_assistant', 'cs_manager', 'general_manager', 'leadership'];

/** The actions this user may take on this complaint now, as the server listed them. */
export const allowedActions = (view: ComplaintView): Action[] => (view.actions ?? []) as Action[];

export type ReplyKind = 'first' | 'second' | 'progress';

/** The reply kinds open now, as the server listed them. */
export const replyKinds = (view: ComplaintView): ReplyKind[] => (view.replyKinds ?? []) as ReplyKind[];

/** Facts the view does not carry, read from the history since the last reopening (for the triage page's notices). */
export type CaseFacts = { referred: boolean; triagedAutomatically: boolean };

export const factsFromHistory = (events: HistoryEvent[]): CaseFacts => {
  const facts: CaseFacts = { referred: false, triagedAutomatically: false };
  for (const e of events) {
    switch (e.type) {
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

export type NavItem = 'queue' | 'register' | 'list' | 'dashboard' | 'monthly' | 'audit' | 'records' | 'notices' | 'caseLibrary' | 'disclosure' | 'weeklyCheck';

/** Who deals with the complainant (the domain's CONTACT_ROLES): they see the failed-notice queue, retry notices and print letters. */
export const CONTACT_ROLES = ['duty_officer', 'cs_assistant', 'cs_supervisor', 'cs_manager', 'general_manager', 'admin'];

/** The pages a role sees in the navigation. */
export const navFor = (role: string): NavItem[] => {
  const items: NavItem[] = ['queue'];
  if (REGISTER_ROLES.includes(role)) items.push('register');
  items.push('list');
  if (role !== 'duty_officer' && role !== 'handler') items.push('dashboard');
  if (!['duty_officer', 'handler', 'cs_assistant'].includes(role)) items.push('monthly');
  if (['auditor', 'admin', 'cs_supervisor', 'cs_manager', 'general_manager', 'leadership'].includes(role)) items.push('audit');
  // The records desk: monthly pack sign-off and year-end seals (issue 15 §6–7).
  if (['auditor', 'admin', 'cs_supervisor', 'cs_manager', 'general_manager', 'leadership'].includes(role)) items.push('records');
  if (CONTACT_ROLES.includes(role)) items.push('notices');
  // Records desk: the case library for all staff; the notice and the weekly check for customer service and management.
  items.push('caseLibrary');
  if (DESK_ROLES.includes(role)) items.push('disclosure', 'weeklyCheck');
  return items;
};

/** Who sees the public notice and the weekly check pages (customer service, management, audit). */
export const DESK_ROLES = ['cs_assistant', 'cs_supervisor', 'cs_manager', 'general_manager', 'leadership', 'auditor', 'admin'];
/** Managers who mark typical cases (the domain's TYPICAL_CASE_ROLES). */
export const TYPICAL_CASE_ROLES = ['cs_manager', 'general_manager', 'leadership'];
/** Who approves the public notice (the domain's DISCLOSURE_APPROVER_ROLES). */
export const DISCLOSURE_APPROVER_ROLES = ['cs_manager'];
/** Who records weekly-check findings (the domain's WEEKLY_CHECK_ROLES). */
export const WEEKLY_CHECK_ROLES = ['cs_supervisor', 'cs_manager'];
