/** Preconditions every command checks: existence, role, status, sealing, conflict of interest. */
import type { Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../common/domain-errors';
import type { ComplaintPolicy } from '../policy/policy';
import type { ComplaintCommandType } from './complaint.commands';
import type { Complaint, ComplaintState } from './complaint.state';
import type { ComplaintStatus } from './complaint.types';

export const assertExists = (state: ComplaintState, complaintLabel = 'Complaint'): Complaint => {
  if (!state.exists) throw new NotFoundError(complaintLabel);
  return state;
};

export const assertRole = (policy: ComplaintPolicy, command: ComplaintCommandType, actor: Actor): void => {
  const allowed = policy.permissions[command] ?? [];
  if (!allowed.includes(actor.role)) {
    throw new ForbiddenError('role', `Role '${actor.role}' may not ${describe(command)} (allowed: ${allowed.join(', ') || 'nobody'})`);
  }
};

/** A sealed (archived) record is never touched again (装订封存). */
export const assertNotArchived = (state: Complaint, action: string): void => {
  if (state.archived) throw new InvalidStateError(action, state.status, `archived for ${state.archiveYear}; sealed records are not altered`);
};

export const assertStatus = (state: Complaint, allowed: readonly ComplaintStatus[], action: string, detail?: string): void => {
  assertNotArchived(state, action);
  if (!allowed.includes(state.status)) {
    throw new InvalidStateError(action, state.status, detail ?? `allowed only when ${allowed.join(' / ')}`);
  }
};

/** The employee a complaint is about can neither handle it nor call back on it (docs/process.md §1). */
export const assertNoConflictOfInterest = (state: Pick<Complaint, 'subjectEmployeeIds'>, actor: Actor, action: string): void => {
  if (state.subjectEmployeeIds.includes(actor.id)) {
    throw new ForbiddenError('conflict_of_interest', `${actor.id} is the subject of this complaint and may not ${action}`);
  }
};

export const assertNotSubject = (state: Pick<Complaint, 'subjectEmployeeIds'>, employeeId: string | undefined, role: string): void => {
  if (employeeId !== undefined && state.subjectEmployeeIds.includes(employeeId)) {
    throw new ForbiddenError('conflict_of_interest', `${employeeId} is the subject of this complaint and cannot be its ${role}`);
  }
};

/** With `handling.handlerMustBeAssignee`, a handler acts only on complaints assigned to them. */
export const assertAssignedHandler = (policy: ComplaintPolicy, state: Complaint, actor: Actor, action: string): void => {
  if (policy.handling.handlerMustBeAssignee && actor.role === 'handler' && state.assignee !== undefined && state.assignee !== actor.id) {
    throw new ForbiddenError('not_assignee', `Only the assignee ${state.assignee} may ${action} as handler`);
  }
};

const describe = (command: ComplaintCommandType): string =>
  command
    .replace(/([A-Z])/g, ' $1')
    .trim()
    .toLowerCase();
