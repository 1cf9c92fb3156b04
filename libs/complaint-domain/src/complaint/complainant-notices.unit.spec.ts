import { SYSTEM_ACTOR } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, actors, command, history, registrationData } from '../testing/complaint.fixtures';
import type { ErasePersonalData, RegisterComplaintData } from './complaint.commands';
import { decide } from './complaint.decider';
import type { ComplaintEvent } from './complaint.events';
import { evolve, foldComplaint, initialState } from './complaint.state';
import { complainantNoticesFor, noticeKey, type NoticeTemplate, type RecordComplainantNotice } from './complainant-notices';
import { ERASED_PERSONAL_VALUE, carriesPersonalData } from './personal-data';

const given = deciderSpecification({ decide, evolve, initialState });
const NOW = '2025-03-10T02:00:00.000Z';
const SOURCE = '0d9f4a52-6c3b-4f7e-9a21-3e5b7c9d1f20';
const EMAIL = { name: '业主 刘先生', phone: '13800138000', email: 'liu@example.com', building: '3', unit: '1201', anonymous: false } as const;

const record = (overrides: Partial<RecordComplainantNotice['data']> = {}, actor = SYSTEM_ACTOR): RecordComplainantNotice =>
  command<RecordComplainantNotice>(
    'RecordComplainantNotice',
    { noticeKey: noticeKey(SOURCE, 'email'), sourceEventId: SOURCE, template: 'received', channel: 'email', outcome: 'sent', attempts: 1, ...overrides },
    actor,
    NOW,
  );

/** The notices each event of a history calls for, event by event (the complaint folded up to it). */
const noticesOf = (events: ComplaintEvent[]) =>
  events.flatMap((event, i) => complainantNoticesFor(event, foldComplaint(events.slice(0, i + 1)), `event-${i}`).map((n) => ({ event: event.type, template: n.template, channel: n.channel })));

const registered = (complainant: Partial<RegisterComplaintData['complainant']> = EMAIL, overrides: Partial<RegisterComplaintData> = {}) =>
  history().register({ complainant: { ...complainant }, ...overrides }).events;

describe('Complainant notices (书面通知客户)', () => {
  describe('Rule: the complainant hears of receipt, second reply, plan, resolution, callback and closing', () => {
    it('given a named complainant with an e-mail address and a phone, when the complaint runs its course, then each step calls for its notice by e-mail and SMS', () => {
      const events = history()
        .register({ complainant: { ...EMAIL } })
        .triage()
        .firstReply()
        .reply({ kind: 'second', message: '工程部已订购灯具' })
        .plan('2025-03-05T09:00:00.000Z')
        .resolve()
        .callback().events;
      const templates: NoticeTemplate[] = ['received', 'second_reply', 'plan', 'resolved', 'callback', 'closed'];
      expect(noticesOf(events)).toEqual(
        templates.flatMap((template) => [
          { event: expect.any(String), template, channel: 'email' },
          { event: expect.any(String), template, channel: 'sms' },
        ]),
      );
    });

    it('given a registration, when its notice is planned, then it carries the number and the first-reply time and no personal data', () => {
      const events = registered();
      const [notice] = complainantNoticesFor(events[0], foldComplaint(events), SOURCE);
      const complaint = foldComplaint(events);
      expect(complaint.exists && notice.facts).toEqual({ number: 'SH01-250303-001', title: '楼道灯不亮', firstReplyDueAt: complaint.exists ? complaint.deadlines.firstReply : undefined });
      expect(notice.facts.firstReplyDueAt).toBeDefined();
      expect(JSON.stringify(notice)).not.toContain('liu@example.com');
      expect(JSON.stringify(notice)).not.toContain('13800138000');
    });

    it('given a first reply, a progress note or a triage, when they are stored, then they call for no complainant notice', () => {
      const events = history().register({ complainant: { ...EMAIL } }).triage().firstReply().reply({ kind: 'progress', message: '进展' }).events;
      expect(noticesOf(events).map((n) => n.event)).toEqual(['ComplaintRegistered', 'ComplaintRegistered']);
    });

    it('given a redelivered event, when its notices are planned again, then the keys are the same (a notice is never sent twice)', () => {
      const events = registered();
      const first = complainantNoticesFor(events[0], foldComplaint(events), SOURCE).map((n) => n.key);
      const again = complainantNoticesFor(events[0], foldComplaint(events), SOURCE).map((n) => n.key);
      expect(again).toEqual(first);
      expect(first).toEqual([`${SOURCE}:email`, `${SOURCE}:sms`]);
    });
  });

  describe('Rule: the channels follow the contact left; a letter answers a letter, and the outcome goes out in writing', () => {
    it('given only a phone, when registered, then the receipt goes by SMS only', () => {
      expect(noticesOf(registered({ name: '王女士', phone: '13900139000', anonymous: false }))).toEqual([{ event: 'ComplaintRegistered', template: 'received', channel: 'sms' }]);
    });

    it('given a complaint that came in by letter, when registered, then a letter is prepared besides the other channels', () => {
      expect(noticesOf(registered(EMAIL, { channel: 'letter' })).map((n) => n.channel)).toEqual(['email', 'sms', 'letter']);
    });

    it('given no e-mail address, when the complaint is resolved, then the resolution goes out as a printed letter too', () => {
      const events = history().register({ complainant: { name: '王女士', phone: '13900139000', anonymous: false } }).triage().firstReply().resolve().events;
      expect(noticesOf(events).filter((n) => n.template === 'resolved').map((n) => n.channel)).toEqual(['sms', 'letter']);
    });

    it('given an invalid e-mail address, when registering, then the registration is refused naming complainant.email', () => {
      given([])
        .when(command('RegisterComplaint', registrationData({ complainant: { ...EMAIL, email: 'not an address' } }), actors.dutyOfficer, '2025-03-03T02:00:00.000Z'))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'complainant.email', problem: 'is not a valid e-mail address' }]));
    });

    it('given an e-mail address, when registered, then it is kept with the complainant and counted as personal data', () => {
      const [event] = registered();
      expect(event.type === 'ComplaintRegistered' && event.data.complainant.email).toBe('liu@example.com');
      expect(carriesPersonalData(event)).toBe(true);
    });
  });

  describe('Rule: anonymous and erased complainants get no notice', () => {
    it('given an anonymous complaint, when it runs its whole course, then no notice is called for', () => {
      const events = history().register({ complainant: { anonymous: true } }).triage().firstReply().resolve().events;
      expect(noticesOf(events)).toEqual([]);
    });

    it('given an anonymous complaint, when a notice is recorded anyway, then it is refused', () => {
      given(registered({ anonymous: true, email: 'x@example.com' })).when(record()).thenThrows(InvalidStateError);
    });

    it('given an erased complainant, when later steps happen, then no notice is called for and none may be recorded', () => {
      const base = history().register({ complainant: { ...EMAIL } }).triage().firstReply().events;
      const erase = command<ErasePersonalData>('ErasePersonalData', { reason: '业主申请删除' }, actors.admin, '2025-03-03T06:00:00.000Z');
      const erased = [...base, ...decide(erase, foldComplaint(base))];
      const state = foldComplaint(erased);
      expect(state.exists && state.complainant.email).toBe(ERASED_PERSONAL_VALUE);
      const more = [...erased, ...decide(command('ResolveComplaint', { resolution: '已更换', rootCause: '老化', responsibleDepartment: 'engineering', correctiveActions: '换', preventiveActions: '巡检' }, actors.handler, '2025-03-03T07:00:00.000Z'), state)];
      expect(complainantNoticesFor(more[more.length - 1], foldComplaint(more), SOURCE)).toEqual([]);
      given(erased).when(record()).thenThrows(InvalidStateError);
    });
  });

  describe('Rule: each notice sent or given up is an event on the complaint, recorded once', () => {
    it('given a registered complaint, when the system records a sent notice, then ComplainantNoticeSent names channel, template and time', () => {
      given(registered())
        .when(record())
        .then([
          {
            type: 'ComplainantNoticeSent',
            data: { complaintId: COMPLAINT_ID, at: NOW, actor: SYSTEM_ACTOR, noticeKey: `${SOURCE}:email`, sourceEventId: SOURCE, template: 'received', channel: 'email', attempts: 1 },
          },
        ]);
    });

    it('given a notice already recorded as sent, when it is recorded again (a redelivery), then nothing happens', () => {
      const events = registered();
      const sent = [...events, ...decide(record(), foldComplaint(events))];
      given(sent).when(record()).thenNothingHappens();
      given(sent).when(record({ outcome: 'failed', error: 'smtp 550', attempts: 5 })).thenNothingHappens();
    });

    it('given retries that ran out, when the failure is recorded, then ComplainantNoticeFailed says why — once; a later successful retry is still recorded', () => {
      const events = registered();
      const failed = record({ outcome: 'failed', error: 'gateway 503', attempts: 5, channel: 'sms', noticeKey: `${SOURCE}:sms` });
      expect(decide(failed, foldComplaint(events))).toEqual([
        {
          type: 'ComplainantNoticeFailed',
          data: { complaintId: COMPLAINT_ID, at: NOW, actor: SYSTEM_ACTOR, noticeKey: `${SOURCE}:sms`, sourceEventId: SOURCE, template: 'received', channel: 'sms', attempts: 5, error: 'gateway 503' },
        },
      ]);
      const afterFailure = [...events, ...decide(failed, foldComplaint(events))];
      given(afterFailure).when(failed).thenNothingHappens();
      given(afterFailure)
        .when(record({ channel: 'sms', noticeKey: `${SOURCE}:sms`, attempts: 6 }))
        .events();
      expect(decide(record({ channel: 'sms', noticeKey: `${SOURCE}:sms`, attempts: 6 }), foldComplaint(afterFailure)).map((e) => e.type)).toEqual(['ComplainantNoticeSent']);
    });

    it('given a failure without a reason or an unknown channel, when recorded, then it is refused naming the fields', () => {
      given(registered())
        .when(record({ outcome: 'failed', channel: 'fax' as never }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((p) => p.field)).toEqual(['channel', 'error']));
    });

    it('given a person, not the system, when they record a notice, then it is refused', () => {
      given(registered()).when(record({}, actors.assistant)).thenThrows(ForbiddenError);
    });
  });
});
