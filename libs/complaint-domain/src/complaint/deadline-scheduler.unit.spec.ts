import { resolvePolicy } from '../policy/policy';
import { SYSTEM_ACTOR } from '../common/actor';
import { ForbiddenError, ValidationError } from '../common/domain-errors';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, T0, actors, command, history, plusHours, plusMinutes } from '../testing/complaint.fixtures';
import type { ChaseOverdueDeadline, EscalateOverdueDeadline, MarkComplaintMajor } from './complaint.commands';
import { deadlineActionKey, overdueDeadlines } from './complaint.deadlines';
import { decide } from './complaint.decider';
import type { ComplaintEvent } from './complaint.events';
import { evolve, initialState, type ComplaintState } from './complaint.state';
import { reviewDeadlines } from './deadline-scheduler';

const given = deciderSpecification({ decide, evolve, initialState });
const FIRST_REPLY_DUE = '2025-03-04T02:00:00.000Z'; // 24 h after receipt on Monday 2025-03-03 10:00
const chaseKey = `${COMPLAINT_ID}:firstReply:${FIRST_REPLY_DUE}:chase`;
const escalateKey = (step: number) => `${COMPLAINT_ID}:firstReply:${FIRST_REPLY_DUE}:escalate:${step}`;
const system = { complaintId: COMPLAINT_ID, actor: SYSTEM_ACTOR };
const chase = (now: string, key = chaseKey) =>
  command<ChaseOverdueDeadline>('ChaseOverdueDeadline', { deadline: 'firstReply', dueAt: FIRST_REPLY_DUE, key }, SYSTEM_ACTOR, now);
const escalate = (now: string, step: number) =>
  command<EscalateOverdueDeadline>('EscalateOverdueDeadline', { deadline: 'firstReply', dueAt: FIRST_REPLY_DUE, step, key: escalateKey(step) }, SYSTEM_ACTOR, now);
const fold = (events: ComplaintEvent[]): ComplaintState => events.reduce(evolve, initialState());

const triaged = history().register().triage().events;
const AFTER_DUE = plusHours(FIRST_REPLY_DUE, 1);
const chased = [...triaged, ...decide(chase(AFTER_DUE), fold(triaged))];
/** The grace of a normal complaint is 1 working day: from Tuesday 03-04 to the end of Wednesday 03-05. */
const GRACE_1_END = '2025-03-05T15:59:59.999Z';
const GRACE_2_END = '2025-03-06T15:59:59.999Z';

describe('Deadlines, chasing and escalation (催办 / 升级)', () => {
  describe('When no deadline has passed', () => {
    it('should list nothing overdue and issue no command, but say when to look again', () => {
      expect(reviewDeadlines(fold(triaged), plusHours(T0, 3))).toEqual({ overdue: [], commands: [], nextCheckAt: FIRST_REPLY_DUE });
    });
  });

  describe('When the first reply is overdue', () => {
    it('should list it as overdue and issue a chase with a deterministic key', () => {
      expect(reviewDeadlines(fold(triaged), AFTER_DUE)).toEqual({
        overdue: [{ deadline: 'firstReply', dueAt: FIRST_REPLY_DUE }],
        commands: [chase(AFTER_DUE)],
        nextCheckAt: '2025-03-06T03:00:00.000Z',
      });
      expect(deadlineActionKey(COMPLAINT_ID, 'firstReply', '2025-03-04T10:00:00+08:00', 'chase')).toBe(chaseKey);
    });

    it('should send a chase notice to the responsible department and the current level (assistant)', () => {
      given(triaged)
        .when(chase(AFTER_DUE))
        .then([
          {
            type: 'DeadlineChased',
            data: { ...system, at: AFTER_DUE, deadline: 'firstReply', dueAt: FIRST_REPLY_DUE, key: chaseKey, escalationLevel: 0, notifyRole: 'cs_assistant', notifyDepartment: 'engineering' },
          },
        ]);
    });

    it('should ignore the same chase a second time (replay, restart or a second scheduler)', () => {
      given(chased).when(chase(plusHours(AFTER_DUE, 1))).thenNothingHappens();
    });

    it('should not issue the chase again once it was applied', () => {
      expect(reviewDeadlines(fold(chased), plusHours(AFTER_DUE, 2)).commands).toEqual([]);
    });

    it('should refuse a chase before the deadline, or with a key that is not the deterministic one', () => {
      given(triaged).when(chase(plusHours(T0, 3))).thenThrows(ValidationError);
      given(triaged).when(chase(AFTER_DUE, 'random-uuid')).thenThrows(ValidationError);
    });

    it('should only take chases from the scheduler', () => {
      given(triaged).when({ ...chase(AFTER_DUE), metadata: { now: AFTER_DUE, actor: actors.assistant } }).thenThrows(ForbiddenError);
    });
  });

  describe('When the step is done before the chase is applied', () => {
    it('should treat the chase as stale and do nothing', () => {
      const replied = history().register().triage().firstReply().events;
      given(replied).when(chase(AFTER_DUE)).thenNothingHappens();
    });
  });

  describe('When a chased deadline is still overdue after the grace', () => {
    it('should issue escalation step 1 once the grace ends', () => {
      expect(reviewDeadlines(fold(chased), plusHours(AFTER_DUE, 2)).nextCheckAt).toBe(GRACE_1_END);
      expect(reviewDeadlines(fold(chased), '2025-03-05T15:59:59.998Z').commands).toEqual([]);
      expect(reviewDeadlines(fold(chased), GRACE_1_END).commands).toEqual([escalate(GRACE_1_END, 1)]);
    });

    it('should escalate one level up the chain (assistant → CS manager)', () => {
      given(chased)
        .when(escalate(GRACE_1_END, 1))
        .then([
          {
            type: 'ComplaintEscalated',
            data: {
              ...system,
              at: GRACE_1_END,
              fromLevel: 0,
              toLevel: 1,
              escalatedTo: 'cs_manager',
              reason: `firstReply overdue since ${FIRST_REPLY_DUE}`,
              automatic: true,
              deadline: 'firstReply',
              dueAt: FIRST_REPLY_DUE,
              key: escalateKey(1),
            },
          },
        ]);
    });

    it('should never escalate twice for the same key', () => {
      const once = [...chased, ...decide(escalate(GRACE_1_END, 1), fold(chased))];
      given(once).when(escalate(plusHours(GRACE_1_END, 1), 1)).thenNothingHappens();
      const state = fold(once);
      expect(state.exists && state.escalationLevel).toBe(1);
    });

    it('should refuse to escalate before the chase or before the grace ends', () => {
      given(triaged).when(escalate(GRACE_1_END, 1)).thenThrows(ValidationError);
      given(chased).when(escalate(plusHours(AFTER_DUE, 1), 1)).thenThrows(ValidationError);
    });

    it('should go on up the chain each further grace: general manager, then the company, then stop', () => {
      // Untriaged, so the first reply is the only deadline running.
      const registered = history().register().events;
      let events = registered;
      const run = (now: string) => {
        const { commands } = reviewDeadlines(fold(events), now);
        for (const cmd of commands) events = [...events, ...decide(cmd, fold(events))];
        return commands.map((c) => c.type);
      };
      expect(run(AFTER_DUE)).toEqual(['ChaseOverdueDeadline']);
      expect(run(GRACE_1_END)).toEqual(['EscalateOverdueDeadline']);
      expect(run(GRACE_1_END)).toEqual([]);
      expect(run(GRACE_2_END)).toEqual(['EscalateOverdueDeadline']);
      expect(run('2025-03-07T15:59:59.999Z')).toEqual(['EscalateOverdueDeadline']);
      expect(run('2025-03-25T00:00:00.000Z')).toEqual([]);
      expect(events.slice(registered.length).map((e) => (e.type === 'ComplaintEscalated' ? e.data.escalatedTo : e.type))).toEqual([
        'DeadlineChased',
        'cs_manager',
        'general_manager',
        'leadership',
      ]);
    });
  });

  describe('When the scheduler was down for two graces', () => {
    it('should catch up in one escalation to the level now due', () => {
      const { commands } = reviewDeadlines(fold(chased), GRACE_2_END);
      const escalation = commands.find((c) => c.type === 'EscalateOverdueDeadline');
      expect(escalation?.data).toEqual({ deadline: 'firstReply', dueAt: FIRST_REPLY_DUE, step: 2, key: escalateKey(2) });
      const [event] = decide(escalation as EscalateOverdueDeadline, fold(chased));
      expect(event.type === 'ComplaintEscalated' && [event.data.fromLevel, event.data.toLevel, event.data.escalatedTo]).toEqual([0, 2, 'general_manager']);
    });
  });

  describe('When two schedulers review the same complaint at the same time', () => {
    it('should produce identical commands so the second append changes nothing', () => {
      const a = reviewDeadlines(fold(triaged), AFTER_DUE).commands;
      const b = reviewDeadlines(fold(triaged), AFTER_DUE).commands;
      expect(a).toEqual(b);
      const afterA = [...triaged, ...decide(a[0], fold(triaged))];
      expect(decide(b[0], fold(afterA))).toEqual([]);
    });
  });

  describe('When the complaint is urgent', () => {
    it('should escalate 2 hours after an overdue same-day deadline', () => {
      const h = history().register().triage({ urgency: 'urgent' });
      const due = '2025-03-03T15:59:59.999Z';
      let events = h.events;
      for (const cmd of reviewDeadlines(h.state, '2025-03-03T16:00:00.000Z').commands) events = [...events, ...decide(cmd, fold(events))];
      expect(events.slice(h.events.length).map((e) => e.type === 'DeadlineChased' && e.data.deadline)).toEqual(['firstReply', 'resolve', 'plan']);
      expect(reviewDeadlines(fold(events), '2025-03-03T17:59:59.998Z').commands).toEqual([]);
      const { commands } = reviewDeadlines(fold(events), '2025-03-03T17:59:59.999Z');
      expect(commands.map((c) => c.data)).toEqual([
        { deadline: 'firstReply', dueAt: due, step: 1, key: `${COMPLAINT_ID}:firstReply:${due}:escalate:1` },
        { deadline: 'resolve', dueAt: due, step: 1, key: `${COMPLAINT_ID}:resolve:${due}:escalate:1` },
        { deadline: 'plan', dueAt: due, step: 1, key: `${COMPLAINT_ID}:plan:${due}:escalate:1` },
      ]);
      // Two deadlines overdue together raise the complaint once, not twice.
      const before = events.length;
      for (const cmd of commands) events = [...events, ...decide(cmd, fold(events))];
      expect(events.slice(before).map((e) => e.type === 'ComplaintEscalated' && `${e.data.fromLevel}→${e.data.toLevel}`)).toEqual(['0→1']);
    });
  });

  describe('When the complaint is an emergency (seed chain: department within 3 minutes, site head within 5, company head within 10)', () => {
    const emergency = () => history().register().at(plusMinutes(T0, 2)).triage({ urgency: 'emergency' });
    const runAt = (events: ComplaintEvent[], now: string): ComplaintEvent[] => {
      let all = events;
      for (const cmd of reviewDeadlines(fold(all), now).commands) all = [...all, ...decide(cmd, fold(all))];
      return all.slice(events.length);
    };
    const escalations = (events: ComplaintEvent[]) => events.map((e) => (e.type === 'ComplaintEscalated' ? `${e.data.fromLevel}→${e.data.escalatedTo}` : e.type));

    it('should raise it to the site head 5 minutes after receipt and to the company head at 10, long before its first reply is overdue', () => {
      const h = emergency();
      // (Only the department notice, the chain's first link, is due before the fifth minute.)
      expect(reviewDeadlines(h.state, plusMinutes(T0, 4))).toMatchObject({ commands: [{ type: 'NotifyEmergencyDepartment' }], nextCheckAt: plusMinutes(T0, 5) });
      const atFiveAll = runAt(h.events, plusMinutes(T0, 5));
      const atFive = atFiveAll.filter((e) => e.type !== 'EmergencyDepartmentNotified');
      expect(escalations(atFive)).toEqual(['0→general_manager']);
      expect(atFive[0].type === 'ComplaintEscalated' && [atFive[0].data.reason, atFive[0].data.key]).toEqual([
        'emergency chain: general_manager within 5 minutes of receipt',
        `${COMPLAINT_ID}:emergency:${T0}:escalate:1`,
      ]);
      const events = [...h.events, ...atFiveAll];
      expect(reviewDeadlines(fold(events), plusMinutes(T0, 9)).nextCheckAt).toBe(plusMinutes(T0, 10));
      expect(escalations(runAt(events, plusMinutes(T0, 10)))).toEqual(['2→leadership']);
    });

    it('should read the minutes and the roles from the policy', () => {
      const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { escalation: { emergency: { siteHeadEscalationMinutes: 8, siteHeadRole: 'cs_manager' } } } }]);
      const h = history({ policy }).register().at(plusMinutes(T0, 2)).triage({ urgency: 'emergency' });
      const escalating = (now: string) => reviewDeadlines(h.state, now, { policy }).commands.filter((c) => c.type === 'EscalateEmergency');
      expect(escalating(plusMinutes(T0, 5))).toEqual([]);
      const [cmd] = escalating(plusMinutes(T0, 8));
      const [event] = decide(cmd, h.state, { policy });
      expect(event.type === 'ComplaintEscalated' && event.data.escalatedTo).toBe('cs_manager');
    });

    it('should apply each step once, and not at all once the emergency is resolved', () => {
      const h = emergency();
      const atTen = runAt(h.events, plusMinutes(T0, 10));
      expect(escalations(atTen)).toEqual(['EmergencyDepartmentNotified', '0→general_manager', '2→leadership']);
      expect(reviewDeadlines(fold([...h.events, ...atTen]), plusMinutes(T0, 11)).commands).toEqual([]);
      const resolved = emergency().at(plusMinutes(T0, 4)).resolve();
      expect(reviewDeadlines(resolved.state, plusMinutes(T0, 10)).commands).toEqual([]);
    });

    it('should not run the chain for an urgent (not emergency) complaint', () => {
      const h = history().register().at(plusMinutes(T0, 2)).triage({ urgency: 'urgent' });
      expect(reviewDeadlines(h.state, plusMinutes(T0, 10)).commands).toEqual([]);
    });
  });

  describe('When a valid complaint is still unresolved a month after receipt', () => {
    const ONE_MONTH = '2025-04-02T02:00:00.000Z';
    it('should have the scheduler flag it major', () => {
      const h = history().register().triage().firstReply();
      const cmd = reviewDeadlines(h.state, ONE_MONTH).commands.find((c) => c.type === 'MarkComplaintMajor');
      expect(cmd?.data).toEqual({ reasons: ['unresolved_one_month'], key: `${COMPLAINT_ID}:unresolvedMajor:${ONE_MONTH}:mark_major` });
    });

    it('should mark it major, send it to the general manager and inform leadership — once', () => {
      const h = history().register().triage().firstReply();
      const key = `${COMPLAINT_ID}:unresolvedMajor:${ONE_MONTH}:mark_major`;
      const mark = command<MarkComplaintMajor>('MarkComplaintMajor', { reasons: ['unresolved_one_month'], key }, SYSTEM_ACTOR, ONE_MONTH);
      given(h.events)
        .when(mark)
        .then([
          {
            type: 'ComplaintMarkedMajor',
            data: { ...system, at: ONE_MONTH, reasons: ['unresolved_one_month'], escalationLevel: 2, escalatedTo: 'general_manager', notify: ['general_manager', 'leadership'], key },
          },
        ]);
      given([...h.events, ...decide(mark, h.state)]).when(mark).thenNothingHappens();
    });

    it('should not watch a to-be-improved complaint this way', () => {
      const h = history().register().triage({ nature: 'to_be_improved' });
      expect(h.complaint.deadlines.unresolvedMajor).toBeUndefined();
    });
  });

  describe('When a complaint is closed', () => {
    it('should have nothing overdue and nothing to issue', () => {
      const closed = history().register().triage().close();
      expect(closed.complaint.deadlines).toEqual({});
      expect(reviewDeadlines(closed.state, '2026-01-01T00:00:00.000Z')).toEqual({ overdue: [], commands: [] });
    });
  });

  describe('When a read model asks what is overdue', () => {
    it('should list overdue deadlines earliest first', () => {
      const h = history().register().triage();
      expect(overdueDeadlines(h.complaint, '2025-03-07T00:00:00.000Z').map((o) => o.deadline)).toEqual(['firstReply', 'followUp', 'resolve', 'plan']);
    });
  });
});
