import { describe, expect, it } from 'vitest';
import {
  callbackBody,
  emptyRegistration,
  registrationBody,
  replyBody,
  triageBody,
  validateCallback,
  validatePlan,
  validateReassign,
  validateRegistration,
  validateReply,
  validateTriage,
  type TriageForm,
} from './validation';

const filled = () => ({ ...emptyRegistration('site-a'), title: '电梯困人', description: '3号楼电梯停运', phone: '13800138000', name: '张女士' });

describe('registration checks', () => {
  it('needs a title, a description and — unless anonymous — a phone', () => {
    const p = validateRegistration(emptyRegistration('site-a'));
    expect(Object.keys(p).sort()).toEqual(['complainant.phone', 'description', 'title']);
    expect(p['complainant.phone'].key).toBe('validation.phoneRequired');
    const anonymous = validateRegistration({ ...emptyRegistration('site-a'), anonymous: true, title: 'x', description: 'y' });
    expect(anonymous).toEqual({});
  });

  it('refuses a malformed phone, a site id with spaces, zero households, a future time and a non-UUID link', () => {
    const p = validateRegistration({ ...filled(), phone: 'call me', siteId: 'site a', householdCount: '0', occurredAt: '2999-01-01T10:00', relatedComplaintId: 'abc' });
    expect(p['complainant.phone'].key).toBe('validation.phone');
    expect(p.siteId.key).toBe('validation.siteId');
    expect(p.householdCount.key).toBe('validation.positiveInt');
    expect(p.occurredAt.key).toBe('validation.notFuture');
    expect(p.relatedComplaintId.key).toBe('validation.uuid');
  });

  it('takes an optional e-mail address for the written notices, refusing one that is not an address', () => {
    expect(validateRegistration({ ...filled(), email: 'not an address' })['complainant.email'].key).toBe('validation.email');
    expect(validateRegistration({ ...filled(), email: ' liu@example.com ' })).toEqual({});
    expect((registrationBody({ ...filled(), email: ' liu@example.com ' }).complainant as { email?: string }).email).toBe('liu@example.com');
    expect((registrationBody(filled()).complainant as { email?: string }).email).toBeUndefined();
  });

  it('limits the title to 200 characters', () => {
    expect(validateRegistration({ ...filled(), title: '字'.repeat(201) }).title).toEqual({ key: 'validation.tooLong', vars: { max: 200 } });
  });

  it('sends docs/api.md’s body: trimmed text, optional fields left out, households as a number', () => {
    const body = registrationBody({ ...filled(), title: '  电梯困人 ', householdCount: '12', occurredAt: '' });
    expect(body).toMatchObject({ siteId: 'site-a', channel: 'phone', title: '电梯困人', householdCount: 12, complainant: { name: '张女士', phone: '13800138000', anonymous: false } });
    expect(body.occurredAt).toBeUndefined();
    expect(body.request).toBeUndefined();
  });
});

const triage = (over: Partial<TriageForm> = {}): TriageForm => ({
  nature: 'valid',
  severity: 'important',
  urgency: 'urgent',
  major: false,
  majorReasons: [],
  category: 'facilities',
  department: 'engineering',
  assignee: '',
  note: '',
  invalidReason: '',
  ...over,
});

describe('triage checks', () => {
  it('needs nature, severity, urgency, category and department', () => {
    expect(Object.keys(validateTriage(triage({ nature: '', severity: '', urgency: '', category: '', department: '' }))).sort()).toEqual(['category', 'department', 'nature', 'severity', 'urgency']);
  });
  it('an invalid complaint is neither major nor of major severity; an invalid reason only for invalid ones', () => {
    const p = validateTriage(triage({ nature: 'invalid', major: true, severity: 'major' }));
    expect(p.major.key).toBe('validation.invalidNotMajor');
    expect(p.severity.key).toBe('validation.invalidNotMajorSeverity');
    expect(validateTriage(triage({ invalidReason: 'rumour' })).invalidReason.key).toBe('validation.invalidReasonOnlyInvalid');
    expect(validateTriage(triage({ nature: 'invalid', invalidReason: 'rumour' }))).toEqual({});
  });
  it('sends major reasons only for a major complaint and the invalid reason only for an invalid one', () => {
    expect(triageBody(triage({ major: true, majorReasons: ['media'] }))).toMatchObject({ major: true, majorReasons: ['media'] });
    expect(triageBody(triage({ major: false, majorReasons: ['media'] })).majorReasons).toBeUndefined();
    expect(triageBody(triage({ nature: 'invalid', invalidReason: 'rumour', major: true }))).toMatchObject({ major: false, invalidReason: 'rumour' });
  });
});

describe('handling and callback checks', () => {
  it('a reply needs a message; an agreed next reply lies in the future', () => {
    expect(validateReply({ kind: 'first', message: ' ', resolvedOnSpot: false, nextReplyDueAt: '' }).message.key).toBe('validation.required');
    expect(validateReply({ kind: 'first', message: 'ok', resolvedOnSpot: false, nextReplyDueAt: '2000-01-01T10:00' }).nextReplyDueAt.key).toBe('validation.future');
    expect(replyBody({ kind: 'first', message: 'ok', resolvedOnSpot: true, nextReplyDueAt: '2999-01-01T10:00' })).toEqual({ kind: 'first', message: 'ok', resolvedOnSpot: true });
  });
  it('a plan needs measures and a due time in the future', () => {
    const p = validatePlan({ measures: '', dueAt: '2000-01-01T00:00' });
    expect(p.measures.key).toBe('validation.required');
    expect(p.dueAt.key).toBe('validation.future');
  });
  it('a reassignment must change something and give a reason', () => {
    const p = validateReassign({ department: 'engineering', assignee: '', reason: '' }, { department: 'engineering', assignee: null });
    expect(p.department.key).toBe('validation.sameAssignment');
    expect(p.reason.key).toBe('validation.required');
  });
  it('a reached complainant gives a 1–5 score; an unreached one none; a major complaint needs a visit', () => {
    expect(validateCallback({ method: 'phone', reached: true, satisfaction: '', comment: '' }, false).satisfaction.key).toBe('validation.satisfaction');
    expect(validateCallback({ method: 'phone', reached: false, satisfaction: '3', comment: '' }, false).satisfaction.key).toBe('validation.noSatisfactionIfUnreached');
    expect(validateCallback({ method: 'phone', reached: true, satisfaction: '2', comment: '' }, true).method.key).toBe('validation.majorNeedsVisit');
    expect(callbackBody({ method: 'phone', reached: true, satisfaction: '4', comment: ' 太慢 ' })).toEqual({ method: 'phone', reached: true, satisfaction: 4, comment: '太慢' });
    expect(callbackBody({ method: 'phone', reached: false, satisfaction: '', comment: '' })).toEqual({ method: 'phone', reached: false });
  });
});
