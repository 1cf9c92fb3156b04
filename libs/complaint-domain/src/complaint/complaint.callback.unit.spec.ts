import type { Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, T0, actors, command, history, plusHours } from '../testing/complaint.fixtures';
import type { ExemptFromCallback, RecordCallback, RecordCallbackData } from './complaint.commands';
import { decide } from './complaint.decider';
import { evolve, initialState } from './complaint.state';

const given = deciderSpecification({ decide, evolve, initialState });
const OWNER = { id: 'u-duty', name: '王值班' };
const T5 = plusHours(T0, 5); // Monday 2025-03-03 15:00 Shanghai, after register, triage, first reply, resolve
const by = (actor: Actor, at = T5) => ({ complaintId: COMPLAINT_ID, at, actor });
const callback = (data: Partial<RecordCallbackData> = {}, actor: Actor = actors.assistant, now = T5) =>
  command<RecordCallback>('RecordCallback', { method: 'phone', reached: true, satisfaction: 2, ...data }, actor, now);
const exempt = (data: ExemptFromCallback['data'], actor: Actor = actors.supervisor, now = T5) => command<ExemptFromCallback>('ExemptFromCallback', data, actor, now);

const resolved = history().register().triage().firstReply().resolve().events;
const resolvedToBeImproved = history().register().triage({ nature: 'to_be_improved', category: 'developer_defects', department: 'customer_service' }).firstReply().resolve().events;
const resolvedMajor = history().register({ householdCount: 20 }).triage().firstReply().resolve().events;
const resolvedOnSpot = history().register().triage().firstReply({ resolvedOnSpot: true }).events;

describe('Callback (回访) and closing (关闭)', () => {
  describe('When a resolved valid complaint is called back and the complainant is satisfied (1–3)', () => {
    it('should close it as accepted by the complainant', () => {
      given(resolved)
        .when(callback({ satisfaction: 1, comment: '很满意' }))
        .then([
          { type: 'CallbackCompleted', data: { ...by(actors.assistant), method: 'phone', satisfaction: 1, satisfied: true, comment: '很满意' } },
          { type: 'ComplaintClosed', data: { ...by(actors.assistant), basis: 'accepted', informFirstContactOwner: OWNER } },
        ]);
    });

    it('should still count 3 (acceptable) as done', () => {
      const state = given(resolved).when(callback({ satisfaction: 3 })).state();
      expect(state.exists && [state.status, state.closeBasis, state.satisfaction, state.closedAt]).toEqual(['closed', 'accepted', 3, T5]);
    });
  });

  describe('When a resolved to-be-improved complaint is called back with satisfaction 1–3', () => {
    it('should close it on the complainant’s understanding', () => {
      given(resolvedToBeImproved)
        .when(callback({ satisfaction: 3 }))
        .then([
          { type: 'CallbackCompleted', data: { ...by(actors.assistant), method: 'phone', satisfaction: 3, satisfied: true } },
          { type: 'ComplaintClosed', data: { ...by(actors.assistant), basis: 'understood', informFirstContactOwner: OWNER } },
        ]);
    });
  });

  describe('When a complaint passed on by another department closes', () => {
    it('should tell the first-contact owner (首问责任人) the outcome', () => {
      const relayed = history().register({ channel: 'staff_relay', firstContactOwner: { id: 'u-guard-7' } }).triage().firstReply().resolve().events;
      const events = given(relayed).when(callback()).events();
      expect(events[1]).toEqual({ type: 'ComplaintClosed', data: { ...by(actors.assistant), basis: 'accepted', informFirstContactOwner: { id: 'u-guard-7' } } });
    });
  });

  describe('When the complainant is dissatisfied (4–5)', () => {
    it('should reopen it one escalation level higher with fresh deadlines', () => {
      given(resolved)
        .when(callback({ satisfaction: 4, comment: '灯还是闪' }))
        .then([
          { type: 'CallbackCompleted', data: { ...by(actors.assistant), method: 'phone', satisfaction: 4, satisfied: false, comment: '灯还是闪' } },
          {
            type: 'ComplaintReopened',
            data: {
              ...by(actors.assistant),
              fromLevel: 0,
              toLevel: 1,
              escalatedTo: 'cs_manager',
              reopenCount: 1,
              satisfaction: 4,
              deadlines: {
                firstReply: plusHours(T5, 24),
                plan: '2025-03-06T15:59:59.999Z',
                resolve: '2025-03-06T15:59:59.999Z',
                followUp: plusHours(T5, 72),
              },
            },
          },
        ]);
    });

    it('should be handled again until the customer is satisfied, rising a level each time', () => {
      const h = history().register().triage().firstReply().resolve().callback({ satisfaction: 5 });
      expect(h.complaint.status).toBe('reopened');
      h.firstReply().resolve().callback({ satisfaction: 4 });
      expect([h.complaint.status, h.complaint.reopenCount, h.complaint.escalationLevel]).toEqual(['reopened', 2, 2]);
      h.firstReply().resolve().callback({ satisfaction: 2 });
      expect([h.complaint.status, h.complaint.closeBasis]).toEqual(['closed', 'accepted']);
    });
  });

  describe('When the complainant cannot be reached', () => {
    it('should record the attempt and retry the next day', () => {
      given(resolved)
        .when(callback({ reached: false, satisfaction: null, comment: '无人接听' }))
        .then([{ type: 'CallbackUnreached', data: { ...by(actors.assistant), method: 'phone', attempt: 1, comment: '无人接听', deadlines: { callback: plusHours(T5, 24) } } }]);
    });

    it('should keep a valid complaint open after the 3rd attempt, its callback due again the next day (seed: a valid complaint closes only when the complainant accepts)', () => {
      const h = history().register().triage().firstReply().resolve().callback({ reached: false, satisfaction: null }).callback({ reached: false, satisfaction: null });
      given(h.events)
        .when(callback({ reached: false, satisfaction: null }, actors.assistant, h.now))
        .then([{ type: 'CallbackUnreached', data: { ...by(actors.assistant, h.now), method: 'phone', attempt: 3, deadlines: { callback: plusHours(h.now, 24) } } }]);
    });

    it('should exempt a to-be-improved complaint as "no contact" and close it after the policy’s 3 attempts', () => {
      const h = history()
        .register()
        .triage({ nature: 'to_be_improved', category: 'developer_defects', department: 'customer_service' })
        .firstReply()
        .resolve()
        .callback({ reached: false, satisfaction: null })
        .callback({ reached: false, satisfaction: null });
      given(h.events)
        .when(callback({ reached: false, satisfaction: null }, actors.assistant, h.now))
        .then([
          { type: 'CallbackUnreached', data: { ...by(actors.assistant, h.now), method: 'phone', attempt: 3, deadlines: {} } },
          { type: 'CallbackExempted', data: { ...by(actors.assistant, h.now), reason: 'no_contact', note: 'not reached after 3 attempts', automatic: true } },
          { type: 'ComplaintClosed', data: { ...by(actors.assistant, h.now), basis: 'callback_exempt', informFirstContactOwner: OWNER } },
        ]);
    });
  });

  describe('When the callback data is incomplete or out of range', () => {
    it.each([
      ['reached without satisfaction', { reached: true, satisfaction: null }, 'satisfaction'],
      ['satisfaction 6', { satisfaction: 6 }, 'satisfaction'],
      ['satisfaction 0', { satisfaction: 0 }, 'satisfaction'],
      ['unreached with a satisfaction', { reached: false, satisfaction: 2 }, 'satisfaction'],
      ['an unknown method', { method: 'telepathy' }, 'method'],
    ] as [string, Partial<RecordCallbackData>, string][])('should refuse %s', (_, data, field) => {
      given(resolved)
        .when(callback(data))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual([field]));
    });
  });

  describe('When the complaint is major', () => {
    it('should refuse a phone callback: major complaints need an on-site visit', () => {
      given(resolvedMajor)
        .when(callback({}, actors.csManager))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'method', problem: "a major complaint needs an on-site 'visit' callback" }]));
    });

    it('should refuse an on-site visit by a customer assistant: it is the CS centre manager’s', () => {
      given(resolvedMajor).when(callback({ method: 'visit' }, actors.assistant)).thenThrows(ForbiddenError);
    });

    const failedVisit = history().register({ householdCount: 20 }).triage().firstReply().resolve().callback({ method: 'visit', reached: false, satisfaction: null }, actors.csManager);
    const onSpotMajor = history().register({ householdCount: 20 }).triage().firstReply({ resolvedOnSpot: true });
    it.each([
      ['on the spot', onSpotMajor, { reason: 'on_spot_confirmed' }],
      ['sensitive', failedVisit, { reason: 'sensitive', note: '涉及诉讼' }],
      ['no contact, an address on record', failedVisit, { reason: 'no_contact' }],
    ] as [string, typeof failedVisit, ExemptFromCallback['data']][])('should refuse an exemption (%s): a major complaint closes only after its on-site visit (seed: 上门回访)', (_, h, data) => {
      given(h.events)
        .when(exempt(data, actors.csManager, h.now))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toContain('reason'));
    });

    it('should still exempt a major complaint nobody can visit (anonymous)', () => {
      const anonymousMajor = history().register({ complainant: { anonymous: true }, householdCount: 20 }).triage().firstReply().resolve().events;
      expect(given(anonymousMajor).when(exempt({ reason: 'anonymous' }, actors.csManager)).events().map((e) => e.type)).toEqual(['CallbackExempted', 'ComplaintClosed']);
    });

    it('should not close a major complaint by itself after 3 unreached visits, even one whose nature would', () => {
      const h = history().register({ householdCount: 20 }).triage({ nature: 'to_be_improved', category: 'developer_defects', department: 'customer_service' }).firstReply().resolve();
      for (let i = 0; i < 3; i++) h.callback({ method: 'visit', reached: false, satisfaction: null }, actors.csManager);
      expect([h.complaint.status, h.complaint.callbackAttempts]).toEqual(['resolved', 3]);
    });

    it('should close it after the CS centre manager’s on-site visit', () => {
      given(resolvedMajor)
        .when(callback({ method: 'visit', satisfaction: 2 }, actors.csManager))
        .then([
          { type: 'CallbackCompleted', data: { ...by(actors.csManager), method: 'visit', satisfaction: 2, satisfied: true } },
          { type: 'ComplaintClosed', data: { ...by(actors.csManager), basis: 'accepted', informFirstContactOwner: OWNER } },
        ]);
    });
  });

  describe('When the complaint is exempt from callback', () => {
    it('should close a complaint resolved on the spot with the customer’s confirmation, recording the reason', () => {
      given(resolvedOnSpot)
        .when(exempt({ reason: 'on_spot_confirmed', note: '业主当场确认' }, actors.assistant, plusHours(T0, 3)))
        .then([
          { type: 'CallbackExempted', data: { ...by(actors.assistant, plusHours(T0, 3)), reason: 'on_spot_confirmed', note: '业主当场确认', automatic: false } },
          { type: 'ComplaintClosed', data: { ...by(actors.assistant, plusHours(T0, 3)), basis: 'callback_exempt', informFirstContactOwner: OWNER } },
        ]);
    });

    it('should refuse "on the spot" for a complaint that was not resolved on the spot', () => {
      given(resolved).when(exempt({ reason: 'on_spot_confirmed' })).thenThrows(ValidationError);
    });

    it('should exempt an anonymous complaint', () => {
      const anonymous = history().register({ complainant: { anonymous: true } }).triage().firstReply().resolve().events;
      expect(given(anonymous).when(exempt({ reason: 'anonymous' })).events().map((e) => e.type)).toEqual(['CallbackExempted', 'ComplaintClosed']);
      given(resolved).when(exempt({ reason: 'anonymous' })).thenThrows(ValidationError);
    });

    it('should accept "no contact" only when there is no number or an attempt failed', () => {
      given(resolved).when(exempt({ reason: 'no_contact' })).thenThrows(ValidationError);
      const failedOnce = history().register().triage().firstReply().resolve().callback({ reached: false, satisfaction: null }).events;
      expect(given(failedOnce).when(exempt({ reason: 'no_contact' })).events().map((e) => e.type)).toEqual(['CallbackExempted', 'ComplaintClosed']);
    });

    it('should require a note for a sensitive case', () => {
      given(resolved)
        .when(exempt({ reason: 'sensitive' }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details[0].field).toBe('note'));
      expect(given(resolved).when(exempt({ reason: 'sensitive', note: '涉及纠纷诉讼' })).events()).toHaveLength(2);
    });
  });

  describe('When the caller is the employee the complaint is about (conflict of interest)', () => {
    it('should refuse the callback', () => {
      const aboutAssistant = history().register({ subjectEmployeeIds: ['u-assistant'] }).triage().firstReply({}, actors.supervisor).resolve().events;
      given(aboutAssistant)
        .when(callback())
        .thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('conflict_of_interest'));
    });
  });

  describe('When the complaint is not resolved yet', () => {
    it('should refuse a callback, naming the current status', () => {
      given(history().register().triage().firstReply().events)
        .when(callback())
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.currentStatus).toBe('in_progress'));
    });
  });

  describe('When the complaint is already closed', () => {
    it('should refuse another callback or exemption', () => {
      const closed = history().register().triage().close().events;
      given(closed).when(callback()).thenThrows(InvalidStateError);
      given(closed).when(exempt({ reason: 'sensitive', note: 'x' })).thenThrows(InvalidStateError);
    });
  });
});
