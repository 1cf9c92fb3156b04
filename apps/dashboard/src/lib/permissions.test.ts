import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../api/types';
import { view } from '../test/render';
import { allowedActions, factsFromHistory, navFor, replyKinds } from './permissions';

const event = (seq: number, type: string, role = 'cs_assistant', data: Record<string, unknown> = {}): HistoryEvent => ({ seq, type, at: '', actor: { id: 'u', role }, data, hash: null, prevHash: null });

describe('the actions offered come from the server’s view (the domain’s policy), not from a copy of the rules', () => {
  it('offers exactly the actions and reply kinds the view lists, in its order', () => {
    const v = view({ status: 'in_progress', actions: ['reply', 'markMajor', 'compensate', 'outreach', 'correct'], replyKinds: ['second', 'progress'] });
    expect(allowedActions(v)).toEqual(['reply', 'markMajor', 'compensate', 'outreach', 'correct']);
    expect(replyKinds(v)).toEqual(['second', 'progress']);
  });
  it('offers nothing when the view lists nothing (or comes from a server that does not list actions)', () => {
    expect(allowedActions(view({ status: 'in_progress', actions: [] }))).toEqual([]);
    expect(allowedActions(view({ status: 'in_progress', actions: undefined }))).toEqual([]);
    expect(replyKinds(view({ status: 'in_progress', replyKinds: undefined }))).toEqual([]);
  });
});

describe('facts read from the history (the triage page’s notices)', () => {
  it('a referral is noted until the complaint is triaged', () => {
    expect(factsFromHistory([event(1, 'ComplaintRegistered'), event(2, 'ComplaintReferredToManager')]).referred).toBe(true);
    expect(factsFromHistory([event(1, 'ComplaintRegistered'), event(2, 'ComplaintReferredToManager'), event(3, 'ComplaintTriaged', 'cs_manager')]).referred).toBe(false);
  });
  it('an automatic triage is noted', () => {
    const facts = factsFromHistory([event(1, 'ComplaintRegistered'), event(2, 'ComplaintTriaged', 'system', { automatic: true })]);
    expect(facts.triagedAutomatically).toBe(true);
  });
});

describe('navigation per role', () => {
  it('shows each role its pages', () => {
    expect(navFor('duty_officer')).toEqual(['queue', 'register', 'list', 'notices', 'caseLibrary']);
    expect(navFor('cs_assistant')).toEqual(['queue', 'register', 'list', 'dashboard', 'notices', 'caseLibrary', 'disclosure', 'weeklyCheck']);
    expect(navFor('department_head')).toEqual(['queue', 'list', 'dashboard', 'monthly', 'caseLibrary']);
    expect(navFor('auditor')).toEqual(['queue', 'list', 'dashboard', 'monthly', 'audit', 'records', 'caseLibrary', 'disclosure', 'weeklyCheck']);
    expect(navFor('cs_supervisor')).toEqual(['queue', 'register', 'list', 'dashboard', 'monthly', 'audit', 'records', 'notices', 'caseLibrary', 'disclosure', 'weeklyCheck']);
  });
});
