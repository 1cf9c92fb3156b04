import { resolvePolicy } from '../policy/policy';
import type { Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, T0, actors, command, history, plusHours } from '../testing/complaint.fixtures';
import type {
  ApproveCompensation,
  ComplaintCommand,
  EscalateComplaint,
  ReassignComplaint,
  RecordOutreach,
  RecordRectificationPlan,
  RecordReply,
  RecordReplyData,
  ResolveComplaint,
  ResolveComplaintData,
} from './complaint.commands';
import { decide } from './complaint.decider';
import { evolve, initialState } from './complaint.state';

const given = deciderSpecification({ decide, evolve, initialState });
const OWNER = { id: 'u-duty', name: '王值班' };
const T2 = plusHours(T0, 2); // Monday 2025-03-03 12:00 Shanghai, after registration (10:00) and triage (11:00)
const by = (actor: Actor, at = T2) => ({ complaintId: COMPLAINT_ID, at, actor });
const reply = (data: RecordReplyData, actor: Actor = actors.assistant, now = T2) => command<RecordReply>('RecordReply', data, actor, now);
const plan = (dueAt: string, actor: Actor = actors.handler, now = T2) => command<RecordRectificationPlan>('RecordRectificationPlan', { measures: '更换灯具', dueAt }, actor, now);
const CAPA = { rootCause: '灯具老化', responsibleDepartment: 'engineering', correctiveActions: '更换灯具', preventiveActions: '每月巡检' };
const resolve = (data: Partial<ResolveComplaintData> = {}, actor: Actor = actors.handler, now = T2) =>
  command<ResolveComplaint>('ResolveComplaint', { resolution: '已更换灯具', ...CAPA, ...data }, actor, now);
const escalate = (actor: Actor = actors.assistant) => command<EscalateComplaint>('EscalateComplaint', { reason: '工程部三天未处理' }, actor, T2);
const reassign = (data: Partial<ReassignComplaint['data']> = {}, actor: Actor = actors.supervisor) =>
  command<ReassignComplaint>('ReassignComplaint', { department: 'security', assignee: 'u-guard-1', reason: '属于秩序部职责', ...data }, actor, T2);

const registered = history().register().events;
const triaged = history().register().triage().events;
/** Deadlines after triage at 11:00 (see the triage spec). */
const afterTriage = {
  firstReply: '2025-03-04T02:00:00.000Z',
  resolve: '2025-03-06T15:59:59.999Z',
  plan: '2025-03-06T15:59:59.999Z',
  followUp: '2025-03-06T03:00:00.000Z',
  unresolvedMajor: '2025-04-02T02:00:00.000Z',
};
const CALLBACK_DUE = '2025-03-06T15:59:59.999Z'; // 3 working days after Monday

describe('Handling (处理 / 跟进)', () => {
  describe('When the complaint can be dealt with on the spot (first reply)', () => {
    it('should give a definite answer at once and resolve it, leaving only the callback due', () => {
      given(triaged)
        .when(reply({ kind: 'first', message: '已当场重置门禁卡', resolvedOnSpot: true }))
        .then([
          { type: 'FirstReplyGiven', data: { ...by(actors.assistant), message: '已当场重置门禁卡', resolvedOnSpot: true, deadlines: {} } },
          { type: 'ComplaintResolved', data: { ...by(actors.assistant), resolution: '已当场重置门禁卡', onSpot: true, deadlines: { callback: CALLBACK_DUE } } },
        ]);
    });

    it('should refuse it before triage, so that no complaint closes without its nature and category', () => {
      given(registered)
        .when(reply({ kind: 'first', message: '已解答', resolvedOnSpot: true }, actors.dutyOfficer))
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect([e.currentStatus, e.message.includes('triage it first')]).toEqual(['registered', true]));
    });

    it('should allow it as soon as the duty officer has triaged it', () => {
      const state = given(history().register().triage().events).when(reply({ kind: 'first', message: '已解答', resolvedOnSpot: true }, actors.dutyOfficer)).state();
      expect(state.exists && [state.status, state.resolvedOnSpot, state.nature, state.category]).toEqual(['resolved', true, 'valid', 'repairs']);
    });
  });

  describe('When a reply is given before triage', () => {
    it('should keep the complaint chased: the follow-up runs every 3 days until it is handled', () => {
      const state = given(registered).when(reply({ kind: 'first', message: '已记录，稍后答复' }, actors.dutyOfficer)).state();
      expect(state.exists && [state.deadlines.secondReply, state.deadlines.followUp]).toEqual([plusHours(T2, 72), plusHours(T2, 72)]);
    });

    it('should still keep a follow-up due after the second reply, so nothing is left unchased', () => {
      const h = history().register().firstReply({}, actors.dutyOfficer);
      const state = given(h.events).when(reply({ kind: 'second', message: '仍在核实' }, actors.dutyOfficer, h.now)).state();
      expect(state.exists && state.deadlines).toEqual({ followUp: plusHours(h.now, 72) });
    });
  });

  describe('When it cannot be dealt with on the spot (first reply)', () => {
    it('should record the second-reply time agreed with the complainant', () => {
      given(triaged)
        .when(reply({ kind: 'first', message: '明天下午给您答复', nextReplyDueAt: '2025-03-04T09:00:00+08:00' }))
        .then([
          {
            type: 'FirstReplyGiven',
            data: {
              ...by(actors.assistant),
              message: '明天下午给您答复',
              resolvedOnSpot: false,
              secondReplyDueAt: '2025-03-04T01:00:00.000Z',
              deadlines: { ...afterTriage, firstReply: undefined, secondReply: '2025-03-04T01:00:00.000Z', followUp: '2025-03-06T04:00:00.000Z' },
            },
          },
        ]);
    });

    it('should default the second reply to 3 days when no time is agreed', () => {
      const state = given(triaged).when(reply({ kind: 'first', message: '正在安排' })).state();
      expect(state.exists && state.deadlines.secondReply).toBe(plusHours(T2, 72));
      expect(state.exists && state.status).toBe('in_progress');
    });

    it('should refuse an agreed time in the past', () => {
      given(triaged)
        .when(reply({ kind: 'first', message: 'x', nextReplyDueAt: T0 }))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'nextReplyDueAt', problem: 'must be later than now' }]));
    });

    it('should refuse a second first reply', () => {
      given(history().register().triage().firstReply().events).when(reply({ kind: 'first', message: 'x' })).thenThrows(InvalidStateError);
    });
  });

  describe('When the second reply is given (二次答复)', () => {
    it('should clear the second-reply deadline and restart the 3-day follow-up', () => {
      const h = history().register().triage().firstReply();
      const now = h.now;
      given(h.events)
        .when(reply({ kind: 'second', message: '维修件已到，周三更换' }, actors.assistant, now))
        .then([
          {
            type: 'SecondReplyGiven',
            data: { ...by(actors.assistant, now), message: '维修件已到，周三更换', deadlines: { ...afterTriage, firstReply: undefined, followUp: plusHours(now, 72) } },
          },
        ]);
    });

    it('should refuse a second reply before the first', () => {
      given(triaged)
        .when(reply({ kind: 'second', message: 'x' }))
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.message).toContain('no first reply has been given yet'));
    });
  });

  describe('When progress is noted (跟进)', () => {
    it('should restart the follow-up clock (every 3 days) and count the note', () => {
      const h = history().register().triage().firstReply();
      const state = given(h.events).when(reply({ kind: 'progress', message: '已联系厂家' }, actors.assistant, h.now)).state();
      expect(state.exists && [state.deadlines.followUp, state.progressNotes]).toEqual([plusHours(h.now, 72), 1]);
    });

    it('should never push the follow-up beyond the weekly progress contact', () => {
      const policy = resolvePolicy([{ level: 'site', id: 'X', version: '1', override: { deadlines: { followUp: { amount: 10, unit: 'days' } } } }]);
      const h = history({ policy }).register().triage();
      const [event] = decide(reply({ kind: 'progress', message: '进展' }, actors.assistant, h.now), h.state, { policy });
      expect(event.type === 'ProgressNoted' && event.data.deadlines.followUp).toBe(plusHours(h.now, 7 * 24));
    });
  });

  describe('When a rectification plan is recorded (整改措施)', () => {
    it('should clear the plan deadline and make its due date the resolve deadline', () => {
      given(triaged)
        .when(plan('2025-03-05T10:00:00.000Z'))
        .then([
          {
            type: 'RectificationPlanRecorded',
            data: {
              ...by(actors.handler),
              measures: '更换灯具',
              dueAt: '2025-03-05T10:00:00.000Z',
              deadlines: { ...afterTriage, plan: undefined, resolve: '2025-03-05T10:00:00.000Z', followUp: plusHours(T2, 72) },
            },
          },
        ]);
    });

    it('should refuse a due date in the past', () => {
      given(triaged).when(plan(T0)).thenThrows(ValidationError);
    });
  });

  describe('When a plan sets the resolution past the special-case limit (seed: 7 working days for special cases; longer needs an approved extension)', () => {
    const LIMIT = '2025-03-12T15:59:59.999Z'; // 7 working days after receipt on Monday 03-03

    it('should accept a plan within 7 working days of receipt from the handler', () => {
      expect(given(triaged).when(plan('2025-03-12T10:00:00.000Z')).events()[0].data).not.toHaveProperty('extension');
    });

    it('should refuse the handler a date past the limit, naming dueAt', () => {
      given(triaged)
        .when(plan('2025-03-13T02:00:00.000Z'))
        .thenThrows(ValidationError, (e: ValidationError) => expect([e.details[0].field, e.details[0].problem.includes('extension approved by cs_manager')]).toEqual(['dueAt', true]));
    });

    it('should record a CS manager’s later date as an approved extension, the resolution counting on time only until the limit', () => {
      given(triaged)
        .when(plan('2025-03-20T02:00:00.000Z', actors.csManager))
        .then([
          {
            type: 'RectificationPlanRecorded',
            data: {
              ...by(actors.csManager),
              measures: '更换灯具',
              dueAt: '2025-03-20T02:00:00.000Z',
              extension: { onTimeLimit: LIMIT },
              deadlines: { ...afterTriage, plan: undefined, resolve: '2025-03-20T02:00:00.000Z', followUp: plusHours(T2, 72) },
            },
          },
        ]);
      const state = given(triaged).when(plan('2025-03-20T02:00:00.000Z', actors.csManager)).state();
      expect(state.exists && state.resolveOnTimeLimit).toBe(LIMIT);
    });

    it('should count the limit from the reopening of a reopened complaint', () => {
      const reopenedAt = '2025-03-06T02:00:00.000Z'; // Thursday 10:00: 7 working days run to Monday 03-17
      const h = history().register().triage().firstReply().resolve().at(reopenedAt).callback({ satisfaction: 4 });
      expect(h.complaint.reopenedAt).toBe(reopenedAt);
      expect(given(h.events).when(plan('2025-03-14T02:00:00.000Z', actors.handler, h.now)).events()[0].data).not.toHaveProperty('extension');
      given(h.events).when(plan('2025-03-18T02:00:00.000Z', actors.handler, h.now)).thenThrows(ValidationError);
    });

    it('should refuse a plan for an invalid complaint', () => {
      given(history().register().triage({ nature: 'invalid' }).events).when(plan('2025-03-05T10:00:00.000Z')).thenThrows(InvalidStateError);
    });
  });

  describe('When the complaint is resolved', () => {
    it('should record the root cause, responsible department and person, corrective and preventive actions (CAPA) and set the callback deadline', () => {
      given(triaged)
        .when(resolve({ rootCause: '灯具老化', responsibleDepartment: 'engineering', responsiblePerson: '张师傅', correctiveActions: '更换灯具', preventiveActions: '每月巡检' }))
        .then([
          {
            type: 'ComplaintResolved',
            data: {
              ...by(actors.handler),
              resolution: '已更换灯具',
              rootCause: '灯具老化',
              responsibleDepartment: 'engineering',
              responsiblePerson: '张师傅',
              correctiveActions: '更换灯具',
              preventiveActions: '每月巡检',
              onSpot: false,
              deadlines: { callback: CALLBACK_DUE },
            },
          },
        ]);
    });

    it.each(['valid', 'to_be_improved'] as const)(
      'should require root cause, responsible department, corrective and preventive actions for a %s complaint (seed: 纠正和预防措施 are recorded)',
      (nature) => {
        given(history().register().triage({ nature }).events)
          .when(command<ResolveComplaint>('ResolveComplaint', { resolution: '已更换灯具' }, actors.handler, T2))
          .thenThrows(ValidationError, (e: ValidationError) =>
            expect(e.details.map((d) => d.field)).toEqual(['rootCause', 'responsibleDepartment', 'correctiveActions', 'preventiveActions']),
          );
      },
    );

    it('should let a site that waives CAPA resolve with the resolution alone', () => {
      const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { handling: { requireRootCauseFor: [] } } }]);
      const events = decide(command<ResolveComplaint>('ResolveComplaint', { resolution: '已更换灯具' }, actors.handler, T2), history({ policy }).register().triage().state, { policy });
      expect(events.map((e) => e.type)).toEqual(['ComplaintResolved']);
    });

    it('should refuse to resolve an untriaged complaint, naming its status', () => {
      given(registered)
        .when(resolve())
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.currentStatus).toBe('registered'));
    });
  });

  describe('When the complaint is invalid', () => {
    const invalid = history().register().triage({ nature: 'invalid', invalidReason: 'misunderstanding', assignee: null }).events;

    it('should close once the explanation is recorded as a reply', () => {
      given(invalid)
        .when(reply({ kind: 'first', message: '经核实，该费用为业主大会决议' }))
        .then([
          { type: 'FirstReplyGiven', data: { ...by(actors.assistant), message: '经核实，该费用为业主大会决议', resolvedOnSpot: false, deadlines: {} } },
          { type: 'InvalidComplaintExplained', data: { ...by(actors.assistant), explanation: '经核实，该费用为业主大会决议' } },
          { type: 'ComplaintClosed', data: { ...by(actors.assistant), basis: 'invalid_explained', informFirstContactOwner: OWNER } },
        ]);
    });

    it('should close once the explanation is recorded as the resolution', () => {
      given(invalid)
        .when(resolve({ resolution: '已上门解释并张贴公告' }, actors.assistant))
        .then([
          { type: 'InvalidComplaintExplained', data: { ...by(actors.assistant), explanation: '已上门解释并张贴公告' } },
          { type: 'ComplaintClosed', data: { ...by(actors.assistant), basis: 'invalid_explained', informFirstContactOwner: OWNER } },
        ]);
    });
  });

  describe('When the complaint is reassigned', () => {
    it('should record the old and new department and handler with the reason', () => {
      given(triaged)
        .when(reassign())
        .then([
          {
            type: 'ComplaintReassigned',
            data: { ...by(actors.supervisor), fromDepartment: 'engineering', department: 'security', fromAssignee: 'u-handler', assignee: 'u-guard-1', reason: '属于秩序部职责' },
          },
        ]);
    });

    it('should refuse to reassign it to the employee it is about', () => {
      given(history().register({ subjectEmployeeIds: ['u-guard-1'] }).triage().events)
        .when(reassign())
        .thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('conflict_of_interest'));
    });

    it('should refuse an unknown department or a reassignment that changes nothing', () => {
      given(triaged).when(reassign({ department: 'canteen' })).thenThrows(ValidationError);
      given(triaged).when(reassign({ department: 'engineering', assignee: 'u-handler' })).thenThrows(ValidationError);
    });
  });

  describe('When someone escalates by hand', () => {
    it('should move it one level up the chain (assistant → CS manager)', () => {
      given(triaged)
        .when(escalate())
        .then([{ type: 'ComplaintEscalated', data: { ...by(actors.assistant), fromLevel: 0, toLevel: 1, escalatedTo: 'cs_manager', reason: '工程部三天未处理', automatic: false } }]);
    });

    it('should refuse to escalate beyond the company (top of the chain)', () => {
      const h = history().register().triage({ severity: 'major' });
      h.run(escalate());
      given(h.events)
        .when(escalate())
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.message).toContain('top of the escalation chain'));
    });
  });

  describe('When the person acting is the employee the complaint is about (conflict of interest)', () => {
    const aboutHandler2 = history().register({ subjectEmployeeIds: ['u-handler-2'] }).triage({ assignee: null }).events;

    it.each([
      ['reply', reply({ kind: 'first', message: 'x' }, actors.otherHandler)],
      ['plan', plan('2025-03-05T10:00:00.000Z', actors.otherHandler)],
      ['resolve', resolve({}, actors.otherHandler)],
    ] as [string, ComplaintCommand][])('should refuse to let them %s', (_, cmd) => {
      given(aboutHandler2)
        .when(cmd)
        .thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('conflict_of_interest'));
    });
  });

  describe('When a handler other than the assignee acts and the site requires the assignee', () => {
    const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { handling: { handlerMustBeAssignee: true } } }]);
    const givenStrict = deciderSpecification({ decide, evolve, initialState }, { policy });
    it('should refuse, while the department head may act', () => {
      givenStrict(triaged)
        .when(resolve({}, actors.otherHandler))
        .thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('not_assignee'));
      expect(givenStrict(triaged).when(resolve({}, actors.departmentHead)).events().map((e) => e.type)).toEqual(['ComplaintResolved']);
    });
    it('should let any handler act under the default policy', () => {
      expect(given(triaged).when(resolve({}, actors.otherHandler)).events().map((e) => e.type)).toEqual(['ComplaintResolved']);
    });
  });

  describe('When the complaint is closed', () => {
    const closed = history().register().triage().close().events;
    it.each([
      ['first reply', reply({ kind: 'first', message: 'x' })],
      ['progress note', reply({ kind: 'progress', message: 'x' })],
      ['plan', plan('2030-01-01T00:00:00.000Z')],
      ['resolution', resolve()],
      ['escalation', escalate()],
      ['reassignment', reassign()],
    ] as [string, ComplaintCommand][])('should refuse a %s, naming the status closed', (_, cmd) => {
      given(closed)
        .when(cmd)
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect([e.code, e.currentStatus, e.message.includes("'closed'")]).toEqual(['invalid_state', 'closed', true]));
    });
  });
});

describe('Compensation within authority limits (核决权限)', () => {
  const approve = (amount: number, actor: Actor) => command<ApproveCompensation>('ApproveCompensation', { amount, reason: '漏水损坏地板' }, actor, T2);

  describe('When the amount is within the approver’s limit', () => {
    it('should record the approval', () => {
      given(triaged)
        .when(approve(800, actors.csManager))
        .then([{ type: 'CompensationApproved', data: { ...by(actors.csManager), amount: 800, currency: 'CNY', reason: '漏水损坏地板' } }]);
    });
  });

  describe('When several approvals on one complaint add up past the approver’s limit (核决权限 applies per complaint)', () => {
    it('should refuse the CS manager a second 800 (1,600 in all) and leave it to the general manager', () => {
      const h = history().register().triage();
      h.run(approve(800, actors.csManager));
      given(h.events)
        .when(approve(800, actors.csManager))
        .thenThrows(ForbiddenError, (e: ForbiddenError) => expect([e.reason, e.message.includes('800 already approved on this complaint: 1600')]).toEqual(['authority_limit', true]));
      expect(given(h.events).when(approve(800, actors.generalManager)).events()).toHaveLength(1);
    });
  });

  describe('When the amount exceeds it', () => {
    it('should refuse a CS manager above 1000 but let the general manager approve it', () => {
      given(triaged)
        .when(approve(5000, actors.csManager))
        .thenThrows(ForbiddenError, (e: ForbiddenError) => expect(e.reason).toBe('authority_limit'));
      expect(given(triaged).when(approve(5000, actors.generalManager)).events()).toHaveLength(1);
    });
  });
});

describe('Outreach: visits, public notices, residents’ meetings (座谈会)', () => {
  describe('When an issue many owners share is closed', () => {
    it('should still record a public notice of the outcome', () => {
      const closed = history().register().triage().close().events;
      given(closed)
        .when(command<RecordOutreach>('RecordOutreach', { kind: 'public_notice', note: '电梯更换结果公告' }, actors.supervisor, T2))
        .then([{ type: 'OutreachRecorded', data: { ...by(actors.supervisor), kind: 'public_notice', note: '电梯更换结果公告' } }]);
    });
  });
});
