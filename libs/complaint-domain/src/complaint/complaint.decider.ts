/**
 * decide(command, state, context) → events. One function per command behind an exhaustive
 * switch. Pure: the instant comes from `metadata.now`, ids from the command, the policy and the
 * working calendar from `context` (see decision-context.ts). Every rule of docs/process.md lives in
 * the stage modules beside it (stages/intake, triage, handling, callback, scheduler, records; their
 * shared helpers in stages/shared) or in complaint.deadlines.ts, and every event names the actor who
 * caused it. This file keeps only the dispatch.
 *
 * Order of checks in every command: the complaint exists (404) → the actor's role may issue the
 * command (403) → the complaint's status allows it (409, naming the status) → conflict of
 * interest (403) → the data (400/422, naming every offending field).
 */
import { ValidationError } from '../common/domain-errors';
import type { ComplaintCommand } from './complaint.commands';
import type { ComplaintEvent } from './complaint.events';
import { type ComplaintState } from './complaint.state';
import { resolveDecisionContext, type DecisionContext } from './decision-context';
import { assertMetadata } from './stages/shared';
import { correctComplaint, registerComplaint } from './stages/intake';
import { referToManager, triageComplaint } from './stages/triage';
import { escalateComplaint, markMajor, reassignComplaint, recordPlan, recordReply, resolveComplaint } from './stages/handling';
import { exemptFromCallback, recordCallback } from './stages/callback';
import { chaseOverdueDeadline, escalateEmergency, escalateOverdueDeadline } from './stages/scheduler';
import { approveCompensation, archiveComplaint, erasePersonalData, recordOutreach } from './stages/records';
import { decideComplainantNotice } from './complainant-notices';
import { decideAddAttachment } from './complaint.attachments';

export const decide = (command: ComplaintCommand, state: ComplaintState, context?: Partial<DecisionContext>): ComplaintEvent[] => {
  const ctx = resolveDecisionContext(context);
  assertMetadata(command);
  switch (command.type) {
    case 'RegisterComplaint':
      return registerComplaint(command, state, ctx);
    case 'CorrectComplaint':
      return correctComplaint(command, state, ctx);
    case 'ReferComplaintToManager':
      return referToManager(command, state, ctx);
    case 'TriageComplaint':
      return triageComplaint(command, state, ctx);
    case 'RecordReply':
      return recordReply(command, state, ctx);
    case 'RecordRectificationPlan':
      return recordPlan(command, state, ctx);
    case 'ResolveComplaint':
      return resolveComplaint(command, state, ctx);
    case 'EscalateComplaint':
      return escalateComplaint(command, state, ctx);
    case 'ReassignComplaint':
      return reassignComplaint(command, state, ctx);
    case 'MarkComplaintMajor':
      return markMajor(command, state, ctx);
    case 'RecordCallback':
      return recordCallback(command, state, ctx);
    case 'ExemptFromCallback':
      return exemptFromCallback(command, state, ctx);
    case 'ChaseOverdueDeadline':
      return chaseOverdueDeadline(command, state, ctx);
    case 'EscalateOverdueDeadline':
      return escalateOverdueDeadline(command, state, ctx);
    case 'EscalateEmergency':
      return escalateEmergency(command, state, ctx);
    case 'ApproveCompensation':
      return approveCompensation(command, state, ctx);
    case 'RecordOutreach':
      return recordOutreach(command, state, ctx);
    case 'ArchiveComplaint':
      return archiveComplaint(command, state, ctx);
    case 'ErasePersonalData':
      return erasePersonalData(command, state, ctx);
    case 'RecordComplainantNotice':
      return decideComplainantNotice(command, state, ctx);
    case 'AddAttachment':
      return decideAddAttachment(command, state, ctx);
    default: {
      const exhaustive: never = command;
      throw new ValidationError([{ field: 'type', problem: `unknown command ${(exhaustive as { type: string }).type}` }]);
    }
  }
};

export { nextCompensationApprover } from './stages/records';
