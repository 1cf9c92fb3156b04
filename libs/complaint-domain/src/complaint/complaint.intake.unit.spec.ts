import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../common/domain-errors';
import { resolvePolicy } from '../policy/policy';
import type { Actor } from '../common/actor';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, EARLIER_COMPLAINT_ID, T0, actors, command, history, plusHours, registrationData } from '../testing/complaint.fixtures';
import type { CorrectComplaint, RegisterComplaint, RegisterComplaintData } from './complaint.commands';
import { decide } from './complaint.decider';
import type { ComplaintEvent } from './complaint.events';
import { evolve, initialState } from './complaint.state';
import { CHANNELS, type Channel } from './complaint.types';

const given = deciderSpecification({ decide, evolve, initialState });
const register = (overrides: Partial<RegisterComplaintData> = {}, actor: Actor = actors.dutyOfficer, now = T0): RegisterComplaint =>
  command<RegisterComplaint>('RegisterComplaint', registrationData(overrides), actor, now);
const correct = (data: CorrectComplaint['data'], actor: Actor = actors.assistant, now = plusHours(T0, 1)): CorrectComplaint =>
  command<CorrectComplaint>('CorrectComplaint', data, actor, now);
const by = (actor: Actor, at: string) => ({ complaintId: COMPLAINT_ID, at, actor });

/** The registration event for the fixture body, as docs/process.md §2's record (《客户投诉受理登记表》). */
const registered = (overrides: Partial<Extract<ComplaintEvent, { type: 'ComplaintRegistered' }>['data']> = {}): ComplaintEvent => ({
  type: 'ComplaintRegistered',
  data: {
    ...by(actors.dutyOfficer, T0),
    number: 'SH01-250303-001',
    siteId: 'site-sh-01',
    channel: 'phone',
    receivedAt: T0,
    complainant: { name: '业主 刘先生', phone: '13800138000', building: '3', unit: '1201', anonymous: false },
    title: '楼道灯不亮',
    description: '3栋12楼楼道灯坏了一周',
    request: '尽快修好',
    occurredAt: '2025-02-24T12:00:00.000Z',
    householdCount: 1,
    collective: false,
    subjectEmployeeIds: [],
    firstContactOwner: { id: 'u-duty', name: '王值班' },
    escalationLevel: 0,
    policyVersion: 'default@2025.1',
    deadlines: { firstReply: '2025-03-04T02:00:00.000Z' },
    ...overrides,
  },
});

const markedMajor = (reasons: string[], note?: string): ComplaintEvent =>
  ({
    type: 'ComplaintMarkedMajor',
    data: { ...by(actors.dutyOfficer, T0), reasons, escalationLevel: 2, escalatedTo: 'general_manager', notify: ['general_manager', 'leadership'], ...(note ? { note } : {}) },
  }) as ComplaintEvent;

describe('Intake (受理 / 登记)', () => {
  describe('When nothing has been registered yet', () => {
    it('should register a complaint with the full record, its actor, and a first-reply deadline 24 h after receipt', () => {
      given([]).when(register()).then([registered()]);
    });

    it.each(CHANNELS.filter((c) => c !== 'media' && c !== 'authority'))('should register a complaint received through channel %s', (channel) => {
      given([]).when(register({ channel })).then([registered({ channel })]);
    });

    it.each([
      ['media', 'media'],
      ['authority', 'authority'],
    ] as [Channel, string][])('should register a complaint from channel %s as major at once (media exposure / higher authority)', (channel, reason) => {
      given([]).when(register({ channel })).then([registered({ channel }), markedMajor([reason])]);
    });

    it('should accept an anonymous complaint without any contact details', () => {
      given([])
        .when(register({ complainant: { anonymous: true } }))
        .then([registered({ complainant: { anonymous: true } })]);
    });

    it('should require a phone number from a named complainant', () => {
      given([])
        .when(register({ complainant: { name: '刘先生', anonymous: false } }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'complainant.phone', problem: 'required unless the complaint is anonymous' }]));
    });

    it('should judge the phone by one rule (the policy’s intake.phonePattern) at registration and in a correction alike', () => {
      const phones = ['13800138000', '+86 138 0013 8000', '021-62345678 转 123', '(021)62345678', '12'];
      const atRegistration = phones.map((phone) => {
        try {
          decide(register({ complainant: { name: '刘先生', phone, anonymous: false } }), initialState());
          return true;
        } catch (e) {
          return !(e instanceof ValidationError && e.details.some((d) => d.field === 'complainant.phone'));
        }
      });
      const inCorrection = phones.map((phone) => {
        try {
          decide(correct({ field: 'complainant.phone', value: phone, reason: '电话记错' }), history().register({ complainant: { name: '刘先生', phone: '13900000000', anonymous: false } }).state);
          return true;
        } catch (e) {
          return !(e instanceof ValidationError && e.details.some((d) => d.field === 'value'));
        }
      });
      expect(atRegistration).toEqual([true, true, true, false, false]);
      expect(inCorrection).toEqual(atRegistration);
      // A site's own pattern is the rule at that site, for both.
      const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { intake: { phonePattern: '^\\(0[0-9]{2,3}\\)[0-9]{7,8}$' } } }]);
      const [event] = decide(register({ complainant: { name: '刘先生', phone: '(021)62345678', anonymous: false } }), initialState(), { policy });
      expect(event.type === 'ComplaintRegistered' && event.data.complainant.phone).toBe('(021)62345678');
    });

    it('should name every offending field of a bad registration', () => {
      given([])
        .when(register({ channel: 'fax' as Channel, title: ' ', householdCount: 0, complainant: { phone: 'call me', anonymous: false } }))
        .thenThrows(ValidationError, (e: ValidationError) =>
          expect(e.details.map((d) => d.field)).toEqual(['channel', 'title', 'complainant.phone', 'householdCount']),
        );
    });

    it('should refuse an occurrence time later than the receipt', () => {
      given([])
        .when(register({ occurredAt: plusHours(T0, 1) }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details[0].field).toBe('occurredAt'));
    });

    it('should record the first-contact owner (首问责任人) who received it, not only the recorder', () => {
      given([])
        .when(register({ channel: 'staff_relay', firstContactOwner: { id: 'u-guard-7', name: '秩序部 保安7号' } }))
        .then([registered({ channel: 'staff_relay', firstContactOwner: { id: 'u-guard-7', name: '秩序部 保安7号' } })]);
    });

    it('should record the employees the complaint is about (for the conflict-of-interest rule)', () => {
      given([])
        .when(register({ subjectEmployeeIds: ['u-handler', 'u-handler'] }))
        .then([registered({ subjectEmployeeIds: ['u-handler'] })]);
    });

    it('should let the auditor (read-only) register nothing', () => {
      given([]).when(register({}, actors.auditor)).thenThrows(ForbiddenError);
    });
  });

  describe('When a letter or a relayed complaint is registered after it reached the company (seed: deadlines run from receipt, 接报后)', () => {
    const registeredAt = plusHours(T0, 26); // Tuesday 12:00, the letter arrived Monday 10:00

    it('should start the 24-hour first reply at receipt, not at registration', () => {
      const [event] = decide(register({ channel: 'letter' }, actors.dutyOfficer, registeredAt), initialState());
      expect(event.type === 'ComplaintRegistered' && [event.data.receivedAt, event.data.deadlines.firstReply]).toEqual([T0, plusHours(T0, 24)]);
    });

    it('should refuse a receipt later than the registration or before the event it reports, naming the field', () => {
      given([])
        .when(register({ receivedAt: plusHours(T0, 1) }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'receivedAt', problem: 'cannot be later than now' }]));
      given([])
        .when(register({ occurredAt: plusHours(T0, 1) }, actors.dutyOfficer, plusHours(T0, 2)))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'occurredAt', problem: 'cannot be later than receivedAt' }]));
    });

    it('should refuse a receipt more than the policy’s 30 days back', () => {
      given([])
        .when(register({ occurredAt: null }, actors.dutyOfficer, plusHours(T0, 31 * 24)))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'receivedAt', problem: 'cannot be more than 30 days before the registration' }]));
    });

    it('should record where it happened, whom it is about and who first received it (首问责任人)', () => {
      const state = given([])
        .when(register({ channel: 'staff_relay', location: '3栋大堂', subjectEmployeeIds: ['u-guard-3'], firstContactOwner: { id: 'u-guard-7', name: '秩序部 孙' } }, actors.dutyOfficer, registeredAt))
        .state();
      expect(state.exists && [state.location, state.subjectEmployeeIds, state.firstContactOwner]).toEqual(['3栋大堂', ['u-guard-3'], { id: 'u-guard-7', name: '秩序部 孙' }]);
    });
  });

  describe('When many households complain about the same issue (collective complaint)', () => {
    it('should make a complaint from 10 households (the policy threshold) collective and major, go to the general manager at once and inform leadership', () => {
      given([])
        .when(register({ householdCount: 10 }))
        .then([registered({ householdCount: 10, collective: true }), markedMajor(['collective'])]);
    });

    it('should not make 9 households collective', () => {
      given([])
        .when(register({ householdCount: 9 }))
        .then([registered({ householdCount: 9 })]);
    });

    it('should use the policy threshold, not a constant (a site that sets 5 households)', () => {
      const givenSite = deciderSpecification({ decide, evolve, initialState }, { policy: resolvePolicy([{ level: 'site', id: 'SH01', version: '1', override: { collective: { minHouseholds: 5 } } }]) });
      givenSite([])
        .when(register({ householdCount: 5 }))
        .then([registered({ householdCount: 5, collective: true, policyVersion: 'default@2025.1+site:SH01@1' }), markedMajor(['collective'])]);
    });
  });

  describe('When the complainant complained about the same issue before (repeat complaint)', () => {
    const predecessor = { complaintId: EARLIER_COMPLAINT_ID, number: 'SH01-250220-014', receivedAt: '2025-02-20T02:00:00.000Z', repeatCount: 0 };

    it('should link it to the earlier complaint, start it one level higher and make it major (seed: repeated complaints are major, docs/process.md §3)', () => {
      given([])
        .when(register({ relatedComplaintId: EARLIER_COMPLAINT_ID, repeatOf: predecessor }))
        .then([
          registered({
            relatedComplaintId: EARLIER_COMPLAINT_ID,
            repeat: { ofComplaintId: EARLIER_COMPLAINT_ID, ofNumber: 'SH01-250220-014', repeatCount: 1 },
            escalationLevel: 1,
          }),
          markedMajor(['repeat']),
        ]);
    });

    it('should keep a first repeat not major where the policy counts repeats as major from the third complaint', () => {
      const policy = resolvePolicy([{ level: 'site', id: 'SH01', version: '1', override: { major: { repeatCountAtLeast: 2 } } }]);
      deciderSpecification({ decide, evolve, initialState }, { policy })([])
        .when(register({ relatedComplaintId: EARLIER_COMPLAINT_ID, repeatOf: predecessor }))
        .then([
          registered({
            relatedComplaintId: EARLIER_COMPLAINT_ID,
            repeat: { ofComplaintId: EARLIER_COMPLAINT_ID, ofNumber: 'SH01-250220-014', repeatCount: 1 },
            escalationLevel: 1,
            policyVersion: 'default@2025.1+site:SH01@1',
          }),
        ]);
    });

    it('should make the second repeat (third complaint on the issue) major', () => {
      given([])
        .when(register({ relatedComplaintId: EARLIER_COMPLAINT_ID, repeatOf: { ...predecessor, repeatCount: 1 } }))
        .then([
          registered({
            relatedComplaintId: EARLIER_COMPLAINT_ID,
            repeat: { ofComplaintId: EARLIER_COMPLAINT_ID, ofNumber: 'SH01-250220-014', repeatCount: 2 },
            escalationLevel: 2,
          }),
          markedMajor(['repeat']),
        ]);
    });

    it('should keep the link but not count a predecessor outside the 30-day repeat window', () => {
      given([])
        .when(register({ relatedComplaintId: EARLIER_COMPLAINT_ID, repeatOf: { ...predecessor, receivedAt: '2025-01-10T02:00:00.000Z', repeatCount: 3 } }))
        .then([registered({ relatedComplaintId: EARLIER_COMPLAINT_ID })]);
    });

    it('should count a bare link (no predecessor looked up) as a first repeat', () => {
      given([])
        .when(register({ relatedComplaintId: EARLIER_COMPLAINT_ID }))
        .then([registered({ relatedComplaintId: EARLIER_COMPLAINT_ID, repeat: { ofComplaintId: EARLIER_COMPLAINT_ID, repeatCount: 1 }, escalationLevel: 1 }), markedMajor(['repeat'])]);
    });

    it('should refuse a link to itself', () => {
      given([])
        .when(register({ relatedComplaintId: COMPLAINT_ID }))
        .thenThrows(ValidationError);
    });
  });

  describe('When the complaint is already registered', () => {
    it('should refuse to register it again, naming the current status', () => {
      given([registered()])
        .when(register())
        .thenThrows(InvalidStateError, (e: InvalidStateError) => {
          expect(e.currentStatus).toBe('registered');
          expect(e.message).toContain("'registered'");
        });
    });
  });

  describe('When a command names a complaint that does not exist', () => {
    it('should report it as not found', () => {
      given([]).when(correct({ field: 'title', value: 'x', reason: 'typo' })).thenThrows(NotFoundError);
    });
  });
});

describe('Corrections (records are never altered: 不得随意涂改)', () => {
  describe('When a registered record holds a mistake', () => {
    it('should record the correction as a new event with the previous value, the new value, the reason and who corrected it', () => {
      given([registered()])
        .when(correct({ field: 'complainant.unit', value: '1202', reason: '登记时房号听错' }))
        .then([
          {
            type: 'ComplaintCorrected',
            data: { ...by(actors.assistant, plusHours(T0, 1)), field: 'complainant.unit', previousValue: '1201', value: '1202', reason: '登记时房号听错' },
          },
        ]);
    });

    it('should leave the original registration event untouched while the current view shows the corrected value', () => {
      const h = history().register();
      const original = JSON.stringify(h.events[0]);
      h.run(correct({ field: 'title', value: '3栋12楼楼道灯不亮', reason: '补充位置' }));
      expect(JSON.stringify(h.events[0])).toBe(original);
      expect(h.complaint.title).toBe('3栋12楼楼道灯不亮');
      expect(h.complaint.corrections).toBe(1);
    });

    it('should require a reason', () => {
      given([registered()]).when(correct({ field: 'title', value: 'x', reason: '' })).thenThrows(ValidationError);
    });

    it('should refuse an unknown field', () => {
      given([registered()])
        .when(correct({ field: 'status', value: 'closed', reason: 'x' }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details[0].field).toBe('field'));
    });

    it('should clear an optional field (location, category hint) with null or empty text, keeping the previous value in the entry', () => {
      const withLocation = registered({ location: '3号楼大堂', categoryHint: 'noise' });
      given([withLocation])
        .when(correct({ field: 'location', value: null, reason: '地点登记错误，业主未说明' }))
        .then([
          {
            type: 'ComplaintCorrected',
            data: { ...by(actors.assistant, plusHours(T0, 1)), field: 'location', previousValue: '3号楼大堂', value: null, reason: '地点登记错误，业主未说明' },
          },
        ]);
      const h = history().register({ location: '3号楼大堂', categoryHint: 'noise' });
      h.run(correct({ field: 'categoryHint', value: '', reason: '类别提示有误' }));
      expect([h.complaint.categoryHint, h.complaint.location]).toEqual([undefined, '3号楼大堂']);
      expect(h.events.at(-1)).toMatchObject({ type: 'ComplaintCorrected', data: { field: 'categoryHint', previousValue: 'noise', value: null } });
    });

    it('should refuse to clear a required field (title) or what is already empty', () => {
      given([registered()])
        .when(correct({ field: 'title', value: null, reason: '清除' }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['value']));
      given([registered()]).when(correct({ field: 'location', value: null, reason: '清除' })).thenThrows(ValidationError);
    });

    it('should refuse a correction that changes nothing', () => {
      given([registered()]).when(correct({ field: 'complainant.unit', value: '1201', reason: 'x' })).thenThrows(ValidationError);
    });

    it('should make the complaint collective and major when the corrected household count reaches the threshold', () => {
      given([registered()])
        .when(correct({ field: 'householdCount', value: 15, reason: '实际为15户联名' }))
        .then([
          { type: 'ComplaintCorrected', data: { ...by(actors.assistant, plusHours(T0, 1)), field: 'householdCount', previousValue: 1, value: 15, reason: '实际为15户联名' } },
          {
            type: 'ComplaintMarkedMajor',
            data: { ...by(actors.assistant, plusHours(T0, 1)), reasons: ['collective'], escalationLevel: 2, escalatedTo: 'general_manager', notify: ['general_manager', 'leadership'] },
          },
        ]);
    });

    it('should keep registration\'s bounds in a correction: a household count beyond them is refused and marks nothing major', () => {
      for (const value of [1e308, 100_001, 0, 2.5, '15']) {
        given([registered()])
          .when(correct({ field: 'householdCount', value, reason: '探测' }))
          .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'value', problem: expect.stringMatching(/1 to 100000/) }]));
      }
      given([registered()])
        .when(correct({ field: 'householdCount', value: 100_000, reason: '实际户数' }))
        .then([
          { type: 'ComplaintCorrected', data: { ...by(actors.assistant, plusHours(T0, 1)), field: 'householdCount', previousValue: 1, value: 100_000, reason: '实际户数' } },
          {
            type: 'ComplaintMarkedMajor',
            data: { ...by(actors.assistant, plusHours(T0, 1)), reasons: ['collective'], escalationLevel: 2, escalatedTo: 'general_manager', notify: ['general_manager', 'leadership'] },
          },
        ]);
    });

    it('should keep registration\'s length bounds in a correction of free text', () => {
      given([registered()]).when(correct({ field: 'title', value: 'x'.repeat(201), reason: '过长' })).thenThrows(ValidationError);
      given([registered()]).when(correct({ field: 'complainant.unit', value: '1'.repeat(51), reason: '过长' })).thenThrows(ValidationError);
    });

    it('should not let a handler correct the record', () => {
      given([registered()]).when(correct({ field: 'title', value: 'x', reason: 'y' }, actors.handler)).thenThrows(ForbiddenError);
    });
  });
});
