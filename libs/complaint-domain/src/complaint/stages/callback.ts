/** Callback (回访) and closing (关闭). Part of decide (../complaint.decider.ts). */
import { ForbiddenError, ProblemList } from '../../common/domain-errors';
import { canonicalInstant } from '../../common/iso-time';
import { compact } from '../../common/object.util';
import { applyDeadlineRule } from '../../calendar/working-calendar';
import { topEscalationLevel } from '../../policy/policy';
import type { ExemptFromCallback, RecordCallback } from '../complaint.commands';
import { deadlineRulesFor, reopenDeadlines } from '../complaint.deadlines';
import type { ComplaintEvent } from '../complaint.events';
import { assertExists, assertNoConflictOfInterest, assertRole, assertStatus } from '../complaint.guards';
import { type Complaint, type ComplaintState } from '../complaint.state';
import { type DecisionContext } from '../decision-context';
import { CALLBACK_EXEMPTION_REASONS, CALLBACK_METHODS, type Satisfaction } from '../complaint.types';
import { base, isAbsent, isOneOf, levelRole, optionalText } from './shared';
import { closedEvent } from './handling';


const closeBasisFor = (complaint: Complaint) => (complaint.nature === 'to_be_improved' ? ('understood' as const) : ('accepted' as const));

export const recordCallback = (command: RecordCallback, state: ComplaintState, { policy, calendar }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  assertStatus(complaint, ['resolved'], 'record a callback');
  assertNoConflictOfInterest(complaint, actor, 'call back on it');
  const d = command.data;
  const problems = new ProblemList();
  problems.check(isOneOf(CALLBACK_METHODS, d.method), 'method', `must be one of ${CALLBACK_METHODS.join(', ')}`);
  problems.check(typeof d.reached === 'boolean', 'reached', 'must be true or false');
  if (d.reached === true) problems.check(Number.isInteger(d.satisfaction) && (d.satisfaction as number) >= 1 && (d.satisfaction as number) <= 5, 'satisfaction', 'required when reached: 1 (very satisfied) … 5 (very dissatisfied)');
  if (d.reached === false) problems.check(isAbsent(d.satisfaction), 'satisfaction', 'only when the complainant was reached');
  problems.check(isAbsent(d.comment) || typeof d.comment === 'string', 'comment', 'must be text');
  // Major complaints require an on-site visit (上门回访) by the CS centre manager.
  if (complaint.major && isOneOf(CALLBACK_METHODS, d.method) && d.method !== policy.callback.majorMethod) {
    problems.add('method', `a major complaint needs an on-site '${policy.callback.majorMethod}' callback`);
  }
  problems.throwIfAny();
  if (complaint.major && !policy.callback.majorVisitRoles.includes(actor.role)) {
    throw new ForbiddenError('role', `The on-site callback of a major complaint is done by ${policy.callback.majorVisitRoles.join(' or ')}, not '${actor.role}'`);
  }
  const b = () => base(complaint.id, command);
  const comment = optionalText(d.comment);
  if (!d.reached) {
    const attempt = complaint.callbackAttempts + 1;
    // Seed rule: a valid complaint closes only when the complainant accepts the result. Only the
    // natures in `closeUnreachedFor` (and never a major complaint, which needs its visit) close
    // by themselves after the last attempt; the others keep their callback due and chased.
    const closesUnreached = complaint.nature !== undefined && policy.callback.closeUnreachedFor.includes(complaint.nature) && !complaint.major;
    if (attempt >= policy.callback.maxAttempts && closesUnreached) {
      return [
        { type: 'CallbackUnreached', data: compact({ ...b(), method: d.method, attempt, comment, deadlines: {} }) },
        { type: 'CallbackExempted', data: { ...b(), reason: 'no_contact', note: `not reached after ${attempt} attempts`, automatic: true } },
        closedEvent(complaint, command, 'callback_exempt'),
      ];
    }
    const rules = deadlineRulesFor(complaint, policy);
    return [{ type: 'CallbackUnreached', data: compact({ ...b(), method: d.method, attempt, comment, deadlines: { callback: applyDeadlineRule(calendar, command.metadata.now, rules.callbackRetry) } }) }];
  }
  const satisfaction = d.satisfaction as Satisfaction;
  const satisfied = satisfaction <= policy.callback.satisfiedAtMost;
  const completed: ComplaintEvent = { type: 'CallbackCompleted', data: compact({ ...b(), method: d.method, satisfaction, satisfied, comment }) };
  if (satisfied) return [completed, closedEvent(complaint, command, closeBasisFor(complaint))];
  // 4–5: reopened, one level higher, handled again within fresh deadlines.
  const toLevel = Math.min(topEscalationLevel(policy), complaint.escalationLevel + 1);
  const rules = deadlineRulesFor(complaint, policy);
  return [
    completed,
    {
      type: 'ComplaintReopened',
      data: {
        ...b(),
        fromLevel: complaint.escalationLevel,
        toLevel,
        escalatedTo: levelRole(policy, toLevel),
        reopenCount: complaint.reopenCount + 1,
        satisfaction,
        deadlines: reopenDeadlines(calendar, rules, complaint.urgency ?? 'normal', canonicalInstant(command.metadata.now)),
      },
    },
  ];
};

/** Exempt from callback: on the spot and confirmed, anonymous, no usable contact, sensitive — with the reason recorded. */
export const exemptFromCallback = (command: ExemptFromCallback, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  const actor = command.metadata.actor;
  assertRole(policy, command.type, actor);
  assertStatus(complaint, ['resolved'], 'exempt the complaint from callback');
  assertNoConflictOfInterest(complaint, actor, 'exempt it from callback');
  const { reason } = command.data;
  const note = optionalText(command.data.note);
  const problems = new ProblemList();
  problems.check(isOneOf(CALLBACK_EXEMPTION_REASONS, reason), 'reason', `must be one of ${CALLBACK_EXEMPTION_REASONS.join(', ')}`);
  if (reason === 'on_spot_confirmed') problems.check(complaint.resolvedOnSpot, 'reason', 'the complaint was not resolved on the spot');
  if (reason === 'anonymous') problems.check(complaint.complainant.anonymous, 'reason', 'the complainant is not anonymous');
  if (reason === 'no_contact') problems.check(complaint.complainant.phone === undefined || complaint.personalDataErased || complaint.callbackAttempts > 0, 'reason', 'a contact number is on record and no callback attempt has failed yet');
  if (reason === 'sensitive') problems.check(note !== undefined, 'note', 'say why the case is sensitive');
  // Seed rule: major complaints require an on-site visit (上门回访); only a complainant nobody can
  // visit (anonymous, or no contact and no address on record) exempts one.
  if (complaint.major && isOneOf(CALLBACK_EXEMPTION_REASONS, reason)) {
    const nobodyToVisit = reason === 'anonymous' || (reason === 'no_contact' && complaint.complainant.building === undefined && complaint.complainant.unit === undefined);
    problems.check(nobodyToVisit, 'reason', `a major complaint needs its on-site '${policy.callback.majorMethod}' callback; only an anonymous complainant or one with no contact and no address is exempt`);
  }
  problems.throwIfAny();
  return [
    { type: 'CallbackExempted', data: compact({ ...base(complaint.id, command), reason, note, automatic: false }) },
    closedEvent(complaint, command, 'callback_exempt'),
  ];
};
