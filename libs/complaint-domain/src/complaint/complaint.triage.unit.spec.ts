import { DEFAULT_POLICY, resolvePolicy } from '../policy/policy';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, T0, actors, command, history, plusHours, plusMinutes, triageData } from '../testing/complaint.fixtures';
import type { ReferComplaintToManager, TriageComplaint, TriageComplaintData } from './complaint.commands';
import { decide } from './complaint.decider';
import type { ComplaintEvent, ComplaintTriaged } from './complaint.events';
import { evolve, initialState } from './complaint.state';

const given = deciderSpecification({ decide, evolve, initialState });
const T1 = plusHours(T0, 1); // Monday 2025-03-03 11:00 Shanghai
type AnyActor = (typeof actors)[keyof typeof actors];
const triage = (overrides: Partial<TriageComplaintData> = {}, actor: AnyActor = actors.dutyOfficer, now = T1): TriageComplaint =>
  command<TriageComplaint>('TriageComplaint', triageData(overrides), actor, now);
const refer = (actor: AnyActor = actors.dutyOfficer): ReferComplaintToManager =>
  command<ReferComplaintToManager>('ReferComplaintToManager', { reason: '无法判断是否属于物业责任' }, actor, T1);
const by = (actor: AnyActor, at = T1) => ({ complaintId: COMPLAINT_ID, at, actor });

const registered = history().register().events;
const collectiveRegistered = history().register({ householdCount: 12 }).events;

const triaged = (data: Partial<ComplaintTriaged['data']> = {}): ComplaintEvent => ({
  type: 'ComplaintTriaged',
  data: {
    ...by(actors.dutyOfficer),
    nature: 'valid',
    severity: 'minor',
    urgency: 'normal',
    major: false,
    majorReasons: [],
    category: 'repairs',
    department: 'engineering',
    assignee: 'u-handler',
    subjectEmployeeIds: [],
    escalationLevel: 0,
    policyVersion: 'default@2025.1',
    deadlineRules: DEFAULT_POLICY.deadlines,
    deadlines: {
      firstReply: '2025-03-04T02:00:00.000Z', // 24 h after receipt
      resolve: '2025-03-06T15:59:59.999Z', // 3 working days after receipt (seeds: done within 3 working days)
      plan: '2025-03-06T15:59:59.999Z', // 3 working days after receipt (整改措施)
      followUp: '2025-03-06T03:00:00.000Z', // every 3 days
      unresolvedMajor: '2025-04-02T02:00:00.000Z', // a month after receipt
    },
    ...data,
  },
});

describe('Triage (判别 / 分类)', () => {
  describe('When a registered complaint is triaged as valid, minor and normal', () => {
    it('should record nature, severity, urgency, category, department and handler, the policy version in force, and the deadlines', () => {
      given(registered).when(triage()).then([triaged()]);
    });
  });

  describe('When the complaint is urgent (safety, property, or a facility failure disrupting normal life)', () => {
    it('should make the first reply, the handling and the measures due the same day (seed: urgent items are handled the same day, 当天处理)', () => {
      given(registered)
        .when(triage({ urgency: 'urgent', category: 'facilities' }))
        .then([
          triaged({
            urgency: 'urgent',
            category: 'facilities',
            deadlines: {
              firstReply: '2025-03-03T15:59:59.999Z',
              resolve: '2025-03-03T15:59:59.999Z',
              plan: '2025-03-03T15:59:59.999Z',
              followUp: '2025-03-06T03:00:00.000Z',
              unresolvedMajor: '2025-04-02T02:00:00.000Z',
            },
          }),
        ]);
    });
  });

  describe('When the complaint is triaged two days after it was received (seed: 接报后三个工作日内, deadlines count from receipt)', () => {
    const late = plusHours(T0, 48); // Wednesday 2025-03-05 10:00 Shanghai

    it('should give an urgent complaint its "same day" on the day it was received, so it is already overdue', () => {
      const events = decide(triage({ urgency: 'urgent', category: 'facilities' }, actors.dutyOfficer, late), history().register().state);
      const { deadlines } = (events[0] as ComplaintTriaged).data;
      expect([deadlines.firstReply, deadlines.resolve, deadlines.plan]).toEqual(['2025-03-03T15:59:59.999Z', '2025-03-03T15:59:59.999Z', '2025-03-03T15:59:59.999Z']);
    });

    it('should count the 3 working days of a normal complaint from receipt (Thursday), not from triage (the next Monday)', () => {
      const events = decide(triage({}, actors.dutyOfficer, late), history().register().state);
      const { deadlines } = (events[0] as ComplaintTriaged).data;
      expect([deadlines.resolve, deadlines.plan]).toEqual(['2025-03-06T15:59:59.999Z', '2025-03-06T15:59:59.999Z']);
    });

    it('should count from the receipt a letter was registered with, not from its registration', () => {
      const received = '2025-03-03T02:00:00.000Z';
      const h = history(undefined, plusHours(T0, 24)).register({ channel: 'letter', receivedAt: received, occurredAt: null });
      const events = decide(triage({ urgency: 'urgent', category: 'facilities' }, actors.dutyOfficer, h.now), h.state);
      expect((events[0] as ComplaintTriaged).data.deadlines.resolve).toBe('2025-03-03T15:59:59.999Z');
    });
  });

  describe('When the complaint is an emergency (抢险抢修)', () => {
    it('should make the first reply due within minutes of receipt and the handling the same day', () => {
      const events = decide(triage({ urgency: 'emergency' }), history().register().state);
      expect((events[0] as ComplaintTriaged).data.deadlines.firstReply).toBe(plusMinutes(T0, 30));
      expect((events[0] as ComplaintTriaged).data.deadlines.resolve).toBe('2025-03-03T15:59:59.999Z');
    });
  });

  describe('When the complaint is invalid (misunderstanding, rumour, outside our scope)', () => {
    it('should owe only the explanation: no plan, follow-up or month-unresolved deadline', () => {
      given(registered)
        .when(triage({ nature: 'invalid', invalidReason: 'out_of_scope', assignee: null }))
        .then([
          {
            type: 'ComplaintTriaged',
            data: {
              ...(triaged().data as ComplaintTriaged['data']),
              nature: 'invalid',
              invalidReason: 'out_of_scope',
              assignee: undefined,
              deadlines: { firstReply: '2025-03-04T02:00:00.000Z', resolve: '2025-03-06T15:59:59.999Z' },
            } as ComplaintTriaged['data'],
          },
        ]);
    });

    it('should clear the major flag a collective complaint had, because major applies to complaints that are not invalid', () => {
      const state = given(collectiveRegistered).when(triage({ nature: 'invalid', invalidReason: 'rumour' })).state();
      expect(state.exists && [state.major, state.majorReasons]).toEqual([false, []]);
    });

    it('should refuse to flag an invalid complaint major', () => {
      given(registered)
        .when(triage({ nature: 'invalid', major: true }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'major', problem: 'an invalid complaint cannot be major' }]));
    });

    it('should refuse an invalid reason on a valid complaint', () => {
      given(registered).when(triage({ invalidReason: 'rumour' })).thenThrows(ValidationError);
    });
  });

  describe('When the triager judges the complaint major (litigation, serious harm, …)', () => {
    it('should record the major flag and its reasons, send it to the general manager at once and inform leadership', () => {
      given(registered)
        .when(triage({ major: true, majorReasons: ['litigation'], severity: 'major' }))
        .then([
          triaged({ major: true, majorReasons: ['litigation', 'severity'], severity: 'major', escalationLevel: 2, deadlines: { ...(triaged().data as ComplaintTriaged['data']).deadlines, unresolvedMajor: undefined } }),
          {
            type: 'ComplaintMarkedMajor',
            data: { ...by(actors.dutyOfficer), reasons: ['litigation', 'severity'], escalationLevel: 2, escalatedTo: 'general_manager', notify: ['general_manager', 'leadership'] },
          },
        ]);
    });

    it('should treat severity "major" as a major complaint', () => {
      const state = given(registered).when(triage({ severity: 'major' })).state();
      expect(state.exists && [state.major, state.majorReasons, state.escalationLevel]).toEqual([true, ['severity'], 2]);
    });

    it('should not let the triager waive a rule-based major flag (collective)', () => {
      given(collectiveRegistered)
        .when(triage({ major: false }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details[0].field).toBe('major'));
    });

    it('should keep an already-major complaint major without announcing it twice', () => {
      const events = given(collectiveRegistered).when(triage()).events();
      expect(events.map((e) => e.type)).toEqual(['ComplaintTriaged']);
      expect((events[0] as ComplaintTriaged).data).toMatchObject({ major: true, majorReasons: ['collective'], escalationLevel: 2 });
    });
  });

  describe('When the severity sets the handler level (1st assistant, 2nd CS manager, 3rd general manager)', () => {
    it.each([
      ['minor', 0],
      ['important', 1],
    ] as const)('should start a %s complaint at escalation level %i', (severity, level) => {
      const state = given(registered).when(triage({ severity })).state();
      expect(state.exists && state.escalationLevel).toBe(level);
    });
  });

  describe('When the triage names a category or department the policy does not know', () => {
    it('should name both fields', () => {
      given(registered)
        .when(triage({ category: 'ufo', department: 'marketing' }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['category', 'department']));
    });
  });

  describe('When the handler would be the employee the complaint is about (conflict of interest)', () => {
    it('should refuse to assign the complaint to that employee (recorded at registration)', () => {
      given(history().register({ subjectEmployeeIds: ['u-handler'] }).events)
        .when(triage())
        .thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('conflict_of_interest'));
    });

    it('should refuse it when the subject is recorded at triage', () => {
      given(registered)
        .when(triage({ subjectEmployeeIds: ['u-handler'] }))
        .thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('conflict_of_interest'));
    });

    it('should record the subject at triage so later steps can check it', () => {
      const state = given(registered).when(triage({ subjectEmployeeIds: ['u-guard-3'] })).state();
      expect(state.exists && state.subjectEmployeeIds).toEqual(['u-guard-3']);
    });
  });

  describe('When the duty officer cannot judge the nature', () => {
    it('should refer the case to the CS centre manager', () => {
      given(registered)
        .when(refer())
        .then([{ type: 'ComplaintReferredToManager', data: { ...by(actors.dutyOfficer), reason: '无法判断是否属于物业责任', referredTo: 'cs_manager' } }]);
    });

    it('should then let only the CS centre manager (or above) triage it', () => {
      const referred = [...registered, ...decide(refer(), history().register().state)];
      given(referred).when(triage()).thenThrows(ForbiddenError);
      given(referred)
        .when(triage({}, actors.csManager))
        .then([triaged({ actor: actors.csManager })]);
    });

    it('should not refer the same case twice', () => {
      const referred = [...registered, ...decide(refer(), history().register().state)];
      given(referred).when(refer()).thenThrows(InvalidStateError);
    });
  });

  describe('When the complaint was already triaged', () => {
    it('should refuse a second triage, naming the current status', () => {
      given(history().register().triage().events)
        .when(triage())
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect([e.currentStatus, e.message.includes("'triaged'")]).toEqual(['triaged', true]));
    });
  });

  describe('When the policy changes after triage', () => {
    const siteA = resolvePolicy([{ level: 'site', id: 'SH01', version: '1', override: { deadlines: { secondReply: { amount: 3, unit: 'days' } } } }]);
    const siteB = resolvePolicy([{ level: 'site', id: 'SH01', version: '2', override: { deadlines: { secondReply: { amount: 5, unit: 'days' } } } }]);

    it('should record the version in force on the complaint', () => {
      const state = deciderSpecification({ decide, evolve, initialState }, { policy: siteA })(registered).when(triage()).state();
      expect(state.exists && state.policyVersion).toBe('default@2025.1+site:SH01@1');
    });

    it('should keep computing this complaint’s deadlines with the rules in force at triage', () => {
      const h = history({ policy: siteA }).register().triage();
      const firstReply = command('RecordReply', { kind: 'first', message: '已联系' }, actors.assistant, plusHours(T0, 5));
      const [event] = decide(firstReply as never, h.state, { policy: siteB });
      expect(event.type === 'FirstReplyGiven' && event.data.secondReplyDueAt).toBe(plusHours(plusHours(T0, 5), 72));
    });
  });

  describe('When someone without triage rights tries', () => {
    it('should refuse a handler and an auditor', () => {
      given(registered).when(triage({}, actors.handler)).thenThrows(ForbiddenError);
      given(registered).when(triage({}, actors.auditor)).thenThrows(ForbiddenError);
    });
  });
});

describe('Automatic triage (the policy may apply the suggestion for some categories)', () => {
  const autoRepairs = resolvePolicy([{ level: 'site', id: 'SH01', version: 'auto', override: { triage: { autoApplyCategories: ['repairs'] } } }]);
  const givenAuto = deciderSpecification({ decide, evolve, initialState }, { policy: autoRepairs });
  const automaticTriage = triaged({ ...by(actors.system), automatic: true, policyVersion: autoRepairs.version });

  describe('When the system applies the suggestion for a category the policy lists', () => {
    it('should record the triage as automatic', () => {
      givenAuto(registered).when(triage({}, actors.system)).then([automaticTriage]);
    });
  });

  describe('When the system applies a suggestion for a category the policy does not list', () => {
    it('should refuse it: only the listed categories are triaged without a duty officer', () => {
      givenAuto(registered).when(triage({ category: 'noise', department: 'security' }, actors.system)).thenThrows(ForbiddenError);
    });
  });

  describe('When no category is listed (the default policy)', () => {
    it('should refuse any automatic triage', () => {
      given(registered).when(triage({}, actors.system)).thenThrows(ForbiddenError);
    });
  });

  describe('When a duty officer triages a complaint the system triaged automatically', () => {
    it("should accept it: the duty officer's triage always wins", () => {
      givenAuto([...registered, automaticTriage])
        .when(triage({ urgency: 'normal', severity: 'important', department: 'engineering' }))
        .then([triaged({ severity: 'important', escalationLevel: 1, policyVersion: autoRepairs.version })]);
    });
  });

  describe('When the system tries to triage a complaint a duty officer already triaged', () => {
    it('should refuse it, naming the current status', () => {
      givenAuto([...registered, triaged()]).when(triage({}, actors.system)).thenThrows(InvalidStateError);
    });
  });

  describe('When a duty officer triages again a complaint a person already triaged', () => {
    it('should refuse it: only an automatic triage can be replaced', () => {
      given([...registered, triaged()]).when(triage()).thenThrows(InvalidStateError);
    });
  });
});
