/**
 * Seed rule (docs/process.md §4, emergency chain 抢险抢修): "notify the department within 3
 * minutes; site head escalates within 5 minutes; company head within 10 minutes; written
 * report within 24 h / 48 h". The +5/+10 escalations are specified in
 * deadline-scheduler.unit.spec.ts; here: the department notice and the written reports.
 */
import { SYSTEM_ACTOR, type Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { resolvePolicy } from '../policy/policy';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, T0, actors, command, history, plusHours, plusMinutes } from '../testing/complaint.fixtures';
import type { ChaseWrittenReport, NotifyEmergencyDepartment, RecordWrittenReport } from './complaint.commands';
import { decide } from './complaint.decider';
import type { ComplaintEvent } from './complaint.events';
import { evolve, foldComplaint, initialState } from './complaint.state';
import { reviewDeadlines } from './deadline-scheduler';

const given = deciderSpecification({ decide, evolve, initialState });
const NOTICE_KEY = `${COMPLAINT_ID}:emergency:${T0}:notify-department`;
const REPORT_1_DUE = plusHours(T0, 24);
const REPORT_2_DUE = plusHours(T0, 48);
const chaseKey = (dueAt: string) => `${COMPLAINT_ID}:writtenReport:${dueAt}:chase`;
const notice = (now: string, key = NOTICE_KEY) => command<NotifyEmergencyDepartment>('NotifyEmergencyDepartment', { key }, SYSTEM_ACTOR, now);
const chase = (now: string, report: number, dueAt: string) => command<ChaseWrittenReport>('ChaseWrittenReport', { report, key: chaseKey(dueAt) }, SYSTEM_ACTOR, now);
const report = (now: string, summary = '3号楼水管爆裂，已关阀抢修，无人员受伤', actor: Actor = actors.departmentHead) =>
  command<RecordWrittenReport>('RecordWrittenReport', { summary }, actor, now);
const emergency = (triagedAfterMinutes = 2) => history().register().at(plusMinutes(T0, triagedAfterMinutes)).triage({ urgency: 'emergency' });
const types = (events: ComplaintEvent[]) => events.map((e) => e.type);

describe('Emergency chain: the department notice and the written reports (seed: department within 3 minutes, written report within 24 h / 48 h)', () => {
  describe('Given an emergency routed to engineering two minutes after receipt', () => {
    it('should have the scheduler tell the department at once, and record that it was within the 3 minutes', () => {
      const h = emergency();
      const review = reviewDeadlines(h.state, plusMinutes(T0, 2));
      expect(review.commands).toEqual([notice(plusMinutes(T0, 2))]);
      given(h.events)
        .when(notice(plusMinutes(T0, 2)))
        .then([
          {
            type: 'EmergencyDepartmentNotified',
            data: { complaintId: COMPLAINT_ID, at: plusMinutes(T0, 2), actor: SYSTEM_ACTOR, department: 'engineering', notifyRole: 'department_head', dueBy: plusMinutes(T0, 3), late: false, key: NOTICE_KEY },
          },
        ]);
    });

    it('should tell the department only once (a replayed or second scheduler changes nothing)', () => {
      const h = emergency();
      h.run(notice(plusMinutes(T0, 2)));
      given(h.events).when(notice(plusMinutes(T0, 3))).thenNothingHappens();
      expect(reviewDeadlines(h.state, plusMinutes(T0, 3)).commands).toEqual([]);
    });

    it('should record a notice given after the 3 minutes (triaged late) as late', () => {
      const h = emergency(6);
      const [event] = decide(notice(plusMinutes(T0, 6)), h.state);
      expect(event.type === 'EmergencyDepartmentNotified' && [event.data.dueBy, event.data.late]).toEqual([plusMinutes(T0, 3), true]);
    });

    it('should read the minutes from the policy (escalation.emergency.notifyDepartmentMinutes)', () => {
      const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { escalation: { emergency: { notifyDepartmentMinutes: 1 } } } }]);
      const h = history({ policy }).register().at(plusMinutes(T0, 2)).triage({ urgency: 'emergency' });
      const [event] = decide(notice(plusMinutes(T0, 2)), h.state, { policy });
      expect(event.type === 'EmergencyDepartmentNotified' && [event.data.dueBy, event.data.late]).toEqual([plusMinutes(T0, 1), true]);
    });
  });

  describe('Given an urgent complaint that is not an emergency', () => {
    it('should neither notify under the emergency chain nor owe a written report', () => {
      const h = history().register().at(plusMinutes(T0, 2)).triage({ urgency: 'urgent' });
      expect(reviewDeadlines(h.state, plusHours(T0, 49)).commands.map((c) => c.type)).not.toContain('NotifyEmergencyDepartment');
      expect(reviewDeadlines(h.state, plusHours(T0, 49)).commands.map((c) => c.type)).not.toContain('ChaseWrittenReport');
      given(h.events).when(notice(plusMinutes(T0, 2))).thenNothingHappens();
      given(h.events).when(report(plusHours(T0, 3))).thenThrows(InvalidStateError);
    });
  });

  describe('Given an emergency whose first written report is missing 24 hours after receipt', () => {
    const handled = () => {
      const h = emergency();
      h.run(notice(plusMinutes(T0, 2)));
      return h;
    };

    it('should say when to look again (the 24th hour) and chase the report once it is due, to the department and the current level', () => {
      const h = handled().at(plusHours(T0, 3)).resolve();
      expect(reviewDeadlines(h.state, plusHours(T0, 23)).nextCheckAt).toBe(REPORT_1_DUE);
      const due = reviewDeadlines(h.state, plusMinutes(REPORT_1_DUE, 1)).commands.filter((c) => c.type === 'ChaseWrittenReport');
      expect(due).toEqual([chase(plusMinutes(REPORT_1_DUE, 1), 1, REPORT_1_DUE)]);
      const [event] = decide(due[0], h.state);
      expect(event).toEqual({
        type: 'DeadlineChased',
        data: {
          complaintId: COMPLAINT_ID,
          at: plusMinutes(REPORT_1_DUE, 1),
          actor: SYSTEM_ACTOR,
          deadline: 'writtenReport',
          dueAt: REPORT_1_DUE,
          key: chaseKey(REPORT_1_DUE),
          escalationLevel: h.state.exists ? h.state.escalationLevel : -1,
          notifyRole: 'cs_assistant',
          notifyDepartment: 'engineering',
        },
      });
      given([...h.events, event]).when(chase(plusMinutes(REPORT_1_DUE, 2), 1, REPORT_1_DUE)).thenNothingHappens();
    });

    it('should refuse a chase before the report is due', () => {
      given(handled().events).when(chase(plusHours(T0, 23), 1, REPORT_1_DUE)).thenThrows(ValidationError);
    });

    it('should record a late first report, stop chasing it, and then owe the full report at the 48th hour', () => {
      const h = handled();
      given(h.events)
        .when(report(plusHours(T0, 30)))
        .then([
          {
            type: 'WrittenReportRecorded',
            data: { complaintId: COMPLAINT_ID, at: plusHours(T0, 30), actor: actors.departmentHead, report: 1, summary: '3号楼水管爆裂，已关阀抢修，无人员受伤', dueAt: REPORT_1_DUE, late: true },
          },
        ]);
      h.run(report(plusHours(T0, 30)));
      given(h.events).when(chase(plusHours(T0, 31), 1, REPORT_1_DUE)).thenNothingHappens();
      expect(reviewDeadlines(h.state, plusHours(T0, 31)).nextCheckAt).toBe(REPORT_2_DUE);
      expect(reviewDeadlines(h.state, plusMinutes(REPORT_2_DUE, 1)).commands.filter((c) => c.type === 'ChaseWrittenReport')).toEqual([
        chase(plusMinutes(REPORT_2_DUE, 1), 2, REPORT_2_DUE),
      ]);
    });

    it('should count reports on time before their hour, and refuse a third report when the policy asks for two', () => {
      const h = handled();
      h.run(report(plusHours(T0, 10)));
      h.run(report(plusHours(T0, 40), '详细书面报告：原因、处理经过、整改措施'));
      const recorded = h.events.filter((e) => e.type === 'WrittenReportRecorded');
      expect(recorded.map((e) => e.type === 'WrittenReportRecorded' && [e.data.report, e.data.late])).toEqual([
        [1, false],
        [2, false],
      ]);
      expect(reviewDeadlines(h.state, plusHours(T0, 72)).commands.filter((c) => c.type === 'ChaseWrittenReport')).toEqual([]);
      given(h.events)
        .when(report(plusHours(T0, 50)))
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.message).toContain('all 2 written reports'));
    });

    it('should read the hours from the policy (escalation.emergency.writtenReportHours)', () => {
      const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { escalation: { emergency: { writtenReportHours: [12] } } } }]);
      const h = history({ policy }).register().at(plusMinutes(T0, 2)).triage({ urgency: 'emergency' });
      const chases = reviewDeadlines(h.state, plusHours(T0, 12), { policy }).commands.filter((c) => c.type === 'ChaseWrittenReport');
      expect(chases).toEqual([chase(plusHours(T0, 12), 1, plusHours(T0, 12))]);
    });

    it('should refuse an empty report naming the field, and a role outside the reporting line', () => {
      given(handled().events)
        .when(report(plusHours(T0, 3), '  '))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((p) => p.field)).toEqual(['summary']));
      given(handled().events).when(report(plusHours(T0, 3), '报告', actors.auditor)).thenThrows(ForbiddenError);
    });

    it('should not chase a closed complaint (never handled again), though its report may still be recorded', () => {
      const h = handled().at(plusHours(T0, 3)).close();
      expect(types(h.events)).toContain('ComplaintClosed');
      expect(reviewDeadlines(h.state, plusHours(T0, 49)).commands).toEqual([]);
      given(h.events).when(chase(plusHours(T0, 25), 1, REPORT_1_DUE)).thenNothingHappens();
      const [event] = decide(report(plusHours(T0, 26)), foldComplaint(h.events));
      expect(event.type).toBe('WrittenReportRecorded');
    });
  });
});
