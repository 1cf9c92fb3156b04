import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../api/types';
import { view } from '../test/render';
import { allowedActions, factsFromHistory, navFor, replyKinds } from './permissions';

const none = { firstReplyGiven: false, secondReplyGiven: false, referred: false, triagedAutomatically: false };
const me = (role: string, departments: string[] = []) => ({ role, departments });
const event = (seq: number, type: string, role = 'cs_assistant', data: Record<string, unknown> = {}): HistoryEvent => ({ seq, type, at: '', actor: { id: 'u', role }, data, hash: null, prevHash: null });

describe('the actions offered for a status and a role', () => {
  it('registered: the duty officer triages, refers, replies and escalates; a handler nothing', () => {
    const v = view({ status: 'registered' });
    expect(allowedActions(v, me('duty_officer'), none)).toEqual(['triage', 'refer', 'reply', 'escalate']);
    expect(allowedActions(v, me('handler', ['engineering']), none)).toEqual([]);
  });
  it('a case referred to the manager is triaged by the CS centre manager, not the duty officer', () => {
    const v = view({ status: 'registered' });
    const referred = { ...none, referred: true };
    expect(allowedActions(v, me('duty_officer'), referred)).not.toContain('triage');
    expect(allowedActions(v, me('cs_manager'), referred)).toContain('triage');
  });
  it('in progress: handling actions for the department’s own staff only', () => {
    const v = view({ status: 'in_progress', department: 'engineering', nature: 'valid' });
    expect(allowedActions(v, me('department_head', ['engineering']), none)).toEqual(['reply', 'plan', 'resolve', 'escalate']);
    expect(allowedActions(v, me('department_head', ['security']), none)).toEqual([]);
    expect(allowedActions(v, me('cs_assistant'), none)).toEqual(['reply', 'plan', 'resolve', 'escalate', 'reassign']);
    expect(allowedActions({ ...v, nature: 'invalid' }, me('cs_assistant'), none)).not.toContain('plan');
    expect(allowedActions({ ...v, escalationLevel: 3 }, me('cs_assistant'), none)).not.toContain('escalate');
  });
  it('resolved: callback and exemption for CS staff; a major complaint’s callback only for the managers who visit', () => {
    const v = view({ status: 'resolved', department: 'engineering' });
    expect(allowedActions(v, me('cs_assistant'), none)).toEqual(['callback', 'exempt']);
    expect(allowedActions(v, me('department_head', ['engineering']), none)).toEqual([]);
    expect(allowedActions({ ...v, major: true }, me('cs_assistant'), none)).toEqual(['exempt']);
    expect(allowedActions({ ...v, major: true }, me('cs_manager'), none)).toEqual(['callback', 'exempt']);
  });
  it('erasure of personal data: administrators only, in any status, until it is done', () => {
    for (const status of ['registered', 'in_progress', 'resolved', 'closed']) expect(allowedActions(view({ status }), me('admin'), none)).toContain('erase');
    expect(allowedActions(view({ status: 'closed', archived: true }), me('admin'), none)).toEqual(['erase']);
    expect(allowedActions(view({ status: 'closed', personalDataErased: true }), me('admin'), none)).toEqual([]);
    for (const role of ['cs_manager', 'general_manager', 'auditor', 'leadership']) expect(allowedActions(view({ status: 'closed' }), me(role), none)).not.toContain('erase');
  });
  it('closed or archived: nothing; the auditor: never anything', () => {
    expect(allowedActions(view({ status: 'closed' }), me('general_manager'), none)).toEqual([]);
    expect(allowedActions(view({ status: 'in_progress', archived: true }), me('general_manager'), none)).toEqual([]);
    for (const status of ['registered', 'triaged', 'in_progress', 'resolved', 'reopened']) expect(allowedActions(view({ status }), me('auditor'), none)).toEqual([]);
  });
});

describe('facts read from the history', () => {
  it('a reopening starts the replies over', () => {
    const facts = factsFromHistory([event(1, 'ComplaintRegistered'), event(2, 'ComplaintTriaged'), event(3, 'FirstReplyGiven'), event(4, 'SecondReplyGiven')]);
    expect(replyKinds(view({ status: 'in_progress' }), facts)).toEqual(['progress']);
    const reopened = factsFromHistory([event(1, 'ComplaintRegistered'), event(3, 'FirstReplyGiven'), event(5, 'ComplaintReopened')]);
    expect(replyKinds(view({ status: 'reopened' }), reopened)).toEqual(['first', 'progress']);
  });
  it('an automatic triage may be redone by a duty officer', () => {
    const facts = factsFromHistory([event(1, 'ComplaintRegistered'), event(2, 'ComplaintTriaged', 'system', { automatic: true })]);
    expect(facts.triagedAutomatically).toBe(true);
    expect(allowedActions(view({ status: 'triaged' }), me('duty_officer'), facts)).toContain('triage');
  });
});

describe('navigation per role', () => {
  it('shows each role its pages', () => {
    expect(navFor('duty_officer')).toEqual(['queue', 'register', 'list']);
    expect(navFor('department_head')).toEqual(['queue', 'list', 'dashboard', 'monthly']);
    expect(navFor('auditor')).toEqual(['queue', 'list', 'dashboard', 'monthly', 'audit']);
  });
});
