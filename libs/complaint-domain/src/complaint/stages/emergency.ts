/**
 * The emergency chain's other links (抢险抢修), beside the site-head and company-head escalations
 * of stages/scheduler.ts. Part of decide (../complaint.decider.ts).
 *
 * Seed rule: "notify the department within 3 minutes; site head escalates within 5 minutes;
 * company head within 10 minutes; written report within 24 h / 48 h" (docs/process.md §4).
 * - The responsible department is told as soon as the emergency is routed to it, and by
 *   `notifyDepartmentMinutes` after receipt at the latest (a later notice says `late`).
 * - Each of `writtenReportHours` is a written report due that many hours after receipt (by
 *   default the first report within 24 h, the full report within 48 h); one still missing at its
 *   hour is chased (催办) to the department and the level the complaint is at, while the
 *   complaint is open (a closed complaint is never handled again; the report may still be recorded).
 */
import { InvalidStateError, ProblemList, ValidationError } from '../../common/domain-errors';
import { canonicalInstant, toMillis } from '../../common/iso-time';
import { compact } from '../../common/object.util';
import type { ComplaintPolicy } from '../../policy/policy';
import type { ChaseWrittenReport, NotifyEmergencyDepartment, RecordWrittenReport } from '../complaint.commands';
import { deadlineActionKey } from '../complaint.deadlines';
import type { ComplaintEvent } from '../complaint.events';
import { assertAssignedHandler, assertExists, assertRole } from '../complaint.guards';
import type { Complaint, ComplaintState } from '../complaint.state';
import type { DecisionContext } from '../decision-context';
import { ACTIVE, base, checkText, isText, levelRole } from './shared';

const chainStart = (complaint: Pick<Complaint, 'receivedAt' | 'reopenedAt'>): number => toMillis(complaint.reopenedAt ?? complaint.receivedAt);

/**
 * When the department must have been told: `notifyDepartmentMinutes` after receipt (or after
 * the reopening of a reopened emergency). Undefined for a complaint that is not an emergency.
 */
export const departmentNoticeDueBy = (
  policy: Pick<ComplaintPolicy, 'escalation'>,
  complaint: Pick<Complaint, 'urgency' | 'receivedAt' | 'reopenedAt'>,
): string | undefined =>
  complaint.urgency === 'emergency'
    ? new Date(chainStart(complaint) + policy.escalation.emergency.notifyDepartmentMinutes * 60_000).toISOString()
    : undefined;

/** Key of the department notice: `<complaintId>:emergency:<from>:notify-department` (a reopening starts a new chain). */
export const departmentNoticeKey = (complaint: Pick<Complaint, 'id' | 'receivedAt' | 'reopenedAt'>): string =>
  `${complaint.id}:emergency:${new Date(chainStart(complaint)).toISOString()}:notify-department`;

/** The written reports an emergency owes: `report` 1, 2, … each due `hours` after receipt. Empty for any other complaint. */
export const writtenReportSchedule = (
  policy: Pick<ComplaintPolicy, 'escalation'>,
  complaint: Pick<Complaint, 'urgency' | 'receivedAt'>,
): { report: number; hours: number; dueAt: string }[] =>
  complaint.urgency !== 'emergency'
    ? []
    : policy.escalation.emergency.writtenReportHours.map((hours, i) => ({
        report: i + 1,
        hours,
        dueAt: new Date(toMillis(complaint.receivedAt) + hours * 3_600_000).toISOString(),
      }));

/** Key of the chase of a missing written report: the deadline action key of `writtenReport` at its due time. */
export const writtenReportChaseKey = (complaintId: string, dueAt: string): string => deadlineActionKey(complaintId, 'writtenReport', dueAt, 'chase');

export const notifyEmergencyDepartment = (command: NotifyEmergencyDepartment, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  if (!isText(command.data.key)) throw new ValidationError([{ field: 'key', problem: 'required' }]);
  const dueBy = departmentNoticeDueBy(policy, complaint);
  // Not an emergency (any more), a stale key, already told, or no longer being handled: nothing to do.
  if (dueBy === undefined || command.data.key !== departmentNoticeKey(complaint)) return [];
  if (complaint.processedKeys.includes(command.data.key) || complaint.archived || !ACTIVE.includes(complaint.status)) return [];
  return [
    {
      type: 'EmergencyDepartmentNotified',
      data: compact({
        ...base(complaint.id, command),
        department: complaint.department,
        notifyRole: 'department_head' as const,
        dueBy,
        late: toMillis(command.metadata.now) > toMillis(dueBy),
        key: command.data.key,
      }),
    },
  ];
};

export const chaseWrittenReport = (command: ChaseWrittenReport, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  const { report, key } = command.data;
  const problems = new ProblemList();
  problems.check(Number.isInteger(report) && report >= 1, 'report', 'must be a whole number ≥ 1');
  problems.check(isText(key), 'key', 'required');
  problems.throwIfAny();
  const due = writtenReportSchedule(policy, complaint).find((r) => r.report === report);
  if (due === undefined || key !== writtenReportChaseKey(complaint.id, due.dueAt)) return [];
  if (complaint.archived || complaint.status === 'closed' || complaint.processedKeys.includes(key) || (complaint.writtenReports ?? 0) >= report) return [];
  if (toMillis(command.metadata.now) < toMillis(due.dueAt)) throw new ValidationError([{ field: 'report', problem: `written report ${report} is due at ${due.dueAt}` }]);
  return [
    {
      type: 'DeadlineChased',
      data: compact({
        ...base(complaint.id, command),
        deadline: 'writtenReport' as const,
        dueAt: due.dueAt,
        key,
        escalationLevel: complaint.escalationLevel,
        notifyRole: levelRole(policy, complaint.escalationLevel),
        notifyDepartment: complaint.department,
      }),
    },
  ];
};

export const recordWrittenReport = (command: RecordWrittenReport, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  assertAssignedHandler(policy, complaint, command.metadata.actor, 'record a written report');
  if (complaint.archived) throw new InvalidStateError('record a written report', complaint.status, 'the record is sealed (archived)');
  const schedule = writtenReportSchedule(policy, complaint);
  if (schedule.length === 0) throw new InvalidStateError('record a written report', complaint.status, 'written reports are owed by emergencies (urgency emergency) only');
  const recorded = complaint.writtenReports ?? 0;
  const next = schedule[recorded];
  if (next === undefined) throw new InvalidStateError('record a written report', complaint.status, `all ${schedule.length} written reports are recorded`);
  const problems = new ProblemList();
  checkText(problems, command.data.summary, 'summary', 10_000);
  problems.throwIfAny();
  return [
    {
      type: 'WrittenReportRecorded',
      data: {
        ...base(complaint.id, command),
        report: next.report,
        summary: command.data.summary,
        dueAt: canonicalInstant(next.dueAt),
        late: toMillis(command.metadata.now) > toMillis(next.dueAt),
      },
    },
  ];
};
