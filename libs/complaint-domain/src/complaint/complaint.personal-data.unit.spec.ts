import type { Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, T0, actors, command, history } from '../testing/complaint.fixtures';
import type { CorrectComplaint, ErasePersonalData, ExemptFromCallback } from './complaint.commands';
import { decide } from './complaint.decider';
import type { ComplaintEvent } from './complaint.events';
import { evolve, foldComplaint, initialState } from './complaint.state';
import { complaintViewFor, personalValueFor } from './complaint.view';
import { ERASED_PERSONAL_VALUE, carriesPersonalData, mapPersonalValues } from './personal-data';

const given = deciderSpecification({ decide, evolve, initialState });
const LATER = '2025-04-01T02:00:00.000Z';
const erase = (actor: Actor = actors.admin, reason = '业主申请删除个人信息') => command<ErasePersonalData>('ErasePersonalData', { reason }, actor, LATER);
const closed = history().register().triage().close().events;
const erased = [...closed, ...decide(erase(), foldComplaint(closed))];

describe('Personal data of the complainant (个人信息)', () => {
  describe('Rule: only an administrator erases personal data, with a reason, in any status', () => {
    it('should record PersonalDataErased naming the fields, the reason and who erased them', () => {
      given(closed)
        .when(erase())
        .then([
          {
            type: 'PersonalDataErased',
            data: { complaintId: COMPLAINT_ID, at: LATER, actor: actors.admin, fields: ['complainant.name', 'complainant.phone', 'complainant.unit', 'complainant.email'], reason: '业主申请删除个人信息' },
          },
        ]);
    });

    it('should also erase while the complaint is still being handled', () => {
      expect(given(history().register().triage().events).when(erase()).events().map((e) => e.type)).toEqual(['PersonalDataErased']);
    });

    it.each([actors.csManager, actors.auditor, actors.generalManager, actors.assistant])('should refuse %s', (actor) => {
      given(closed).when(erase(actor)).thenThrows(ForbiddenError);
    });

    it('should refuse an erasure without a reason', () => {
      given(closed)
        .when(erase(actors.admin, ''))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['reason']));
    });
  });

  describe('Rule: erasing twice changes nothing', () => {
    it('should decide no event the second time', () => {
      given(erased).when(erase()).then([]);
    });
  });

  describe('Rule: once erased, the name, phone and flat number read as erased in the state and every view', () => {
    it('should replace the stored values with the erased marker and keep the rest', () => {
      const state = foldComplaint(erased);
      if (!state.exists) throw new Error('exists');
      expect(state.personalDataErased).toBe(true);
      expect(state.complainant).toMatchObject({ name: ERASED_PERSONAL_VALUE, phone: ERASED_PERSONAL_VALUE, unit: ERASED_PERSONAL_VALUE, anonymous: false });
      const forHandler = complaintViewFor(state, 'handler', LATER);
      expect(forHandler.complainant.name).toBe(ERASED_PERSONAL_VALUE);
      expect(forHandler.complainant.phone).toBe(ERASED_PERSONAL_VALUE);
      expect(forHandler.personalDataErased).toBe(true);
    });

    it('should erase only the fields an erasure names: one recorded before the flat number was personal keeps it', () => {
      const last = erased[erased.length - 1] as ComplaintEvent & { data: { fields: string[] } };
      const earlier = [...erased.slice(0, -1), { ...last, data: { ...last.data, fields: ['complainant.name', 'complainant.phone'] } }] as ComplaintEvent[];
      const state = foldComplaint(earlier);
      if (!state.exists) throw new Error('exists');
      expect(state.complainant.name).toBe(ERASED_PERSONAL_VALUE);
      expect(state.complainant.unit).not.toBe(ERASED_PERSONAL_VALUE);
      expect(state.complainant.unit).toEqual(expect.any(String));
    });
  });

  describe('Rule: erased personal data cannot be entered again by a correction', () => {
    it('should refuse to correct the name or phone, but still correct other fields', () => {
      const correct = (field: string, value: unknown) => command<CorrectComplaint>('CorrectComplaint', { field, value, reason: '补录' }, actors.assistant, LATER);
      const open = history().register().events;
      const openErased = [...open, ...decide(erase(), foldComplaint(open))];
      given(openErased).when(correct('complainant.phone', '13900139000')).thenThrows(InvalidStateError);
      given(openErased).when(correct('complainant.name', '王女士')).thenThrows(InvalidStateError);
      expect(given(openErased).when(correct('title', '新标题')).events().map((e) => e.type)).toEqual(['ComplaintCorrected']);
    });
  });

  describe('Rule: a complaint whose contact was erased may be exempted from callback for no contact', () => {
    it('should accept the no_contact exemption without a failed attempt', () => {
      const resolved = history().register().triage().firstReply().resolve().events;
      const afterErasure = [...resolved, ...decide(erase(), foldComplaint(resolved))];
      const exempt = command<ExemptFromCallback>('ExemptFromCallback', { reason: 'no_contact' }, actors.assistant, LATER);
      expect(given(afterErasure).when(exempt).events().map((e) => e.type)).toContain('CallbackExempted');
      given(resolved).when(exempt).thenThrows(ValidationError);
    });
  });

  describe('Rule: only the complainant name, phone and flat number are personal values — in registrations and in their corrections', () => {
    const registered = history().register().events[0] as ComplaintEvent;
    const upper = (value: string) => `<${value}>`;

    it('should transform exactly the name, phone and flat number of a registration', () => {
      const mapped = mapPersonalValues(registered, upper);
      const before = (registered.data as { complainant: Record<string, unknown> }).complainant;
      expect(before.unit).toEqual(expect.any(String));
      expect((mapped.data as { complainant: Record<string, unknown> }).complainant).toEqual({ ...before, name: `<${before.name}>`, phone: `<${before.phone}>`, unit: `<${before.unit}>` });
      expect({ ...mapped.data, complainant: undefined }).toEqual({ ...registered.data, complainant: undefined });
    });

    it('should transform the value and previous value of a phone correction, and nothing of a title correction', () => {
      const phone = { type: 'ComplaintCorrected', data: { complaintId: COMPLAINT_ID, at: T0, actor: actors.assistant, field: 'complainant.phone', previousValue: '1', value: '2', reason: 'r' } };
      expect(mapPersonalValues(phone, upper).data).toMatchObject({ previousValue: '<1>', value: '<2>', reason: 'r' });
      const title = { ...phone, data: { ...phone.data, field: 'title' } };
      expect(mapPersonalValues(title, upper)).toBe(title);
      expect(carriesPersonalData(title)).toBe(false);
      expect(carriesPersonalData(phone)).toBe(true);
    });

    it('should never transform the erased marker, and leave events without personal data as they are', () => {
      const erasedEvent = erased[erased.length - 1];
      expect(mapPersonalValues(erasedEvent, upper)).toBe(erasedEvent);
      const corrected = { type: 'ComplaintCorrected', data: { field: 'complainant.name', previousValue: ERASED_PERSONAL_VALUE, value: null } };
      expect(mapPersonalValues(corrected, upper)).toBe(corrected);
    });
  });

  describe('Rule: only the roles that deal with the complainant see the name and phone in full', () => {
    it.each([
      ['cs_assistant', '陈女士', '13900001234'],
      ['handler', '陈**', '139****1234'],
      ['auditor', '陈**', '139****1234'],
      ['leadership', '陈**', '139****1234'],
    ])('%s sees %s / %s', (role, name, phone) => {
      expect(personalValueFor('陈女士', 'complainant.name', role)).toBe(name);
      expect(personalValueFor('13900001234', 'complainant.phone', role)).toBe(phone);
      expect(personalValueFor(ERASED_PERSONAL_VALUE, 'complainant.phone', role)).toBe(ERASED_PERSONAL_VALUE);
    });
  });
});
