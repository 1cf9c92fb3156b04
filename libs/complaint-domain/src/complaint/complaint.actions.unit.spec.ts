import type { Actor } from '../common/actor';
import { ForbiddenError } from '../common/domain-errors';
import { DEFAULT_POLICY, type ComplaintPolicy } from '../policy/policy';
import { T0, actors, command, history, plusHours, type ComplaintHistory } from '../testing/complaint.fixtures';
import { deciderSpecification } from '../testing/decider-spec';
import type { ApproveCompensation } from './complaint.commands';
import { decide, nextCompensationApprover } from './complaint.decider';
import { evolve, initialState } from './complaint.state';
import { complaintActions, complaintViewFor, replyKindsFor } from './complaint.view';
import { resolveDecisionContext } from './decision-context';

/**
 * The actions a view offers (docs/api.md: the view's `actions`) are asked of the decider under
 * the site's policy, so they are exactly what the endpoints accept for the role and the status.
 */
const given = deciderSpecification({ decide, evolve, initialState });
const ctx = resolveDecisionContext();
const actionsOf = (h: ComplaintHistory, actor: Actor, policy?: ComplaintPolicy) => complaintActions(h.complaint, actor, h.now, policy ? resolveDecisionContext({ policy }) : ctx);

describe('The actions a complaint view offers its caller (policy permissions × status)', () => {
  describe('Given an emergency (seed: written report within 24 h / 48 h)', () => {
    it('when its department head views it, then the written report is offered until both reports are recorded; never for a complaint that is not an emergency', () => {
      const h = history().register().at(plusHours(T0, 0)).triage({ urgency: 'emergency' });
      expect(actionsOf(h, actors.departmentHead)).toContain('writtenReport');
      expect(actionsOf(h, actors.auditor)).not.toContain('writtenReport');
      for (const summary of ['首报', '详细报告']) h.run(command('RecordWrittenReport', { summary }, actors.departmentHead, h.now));
      expect(actionsOf(h, actors.departmentHead)).not.toContain('writtenReport');
      expect(actionsOf(history().register().triage(), actors.departmentHead)).not.toContain('writtenReport');
    });
  });

  describe('Given a registered complaint', () => {
    const h = history().register();
    it('when the duty officer views it, then triage, referral, reply, escalation and correction are offered — no handling step before triage', () => {
      expect(actionsOf(h, actors.dutyOfficer)).toEqual(['triage', 'refer', 'reply', 'escalate', 'correct']);
    });
    it('when a handler views it, then only a reply is offered (which complaints department staff see at all is the service’s scope)', () => {
      expect(actionsOf(h, actors.handler)).toEqual(['reply']);
    });
    it('when the auditor views it, then nothing is offered (read-only role)', () => {
      expect(actionsOf(h, actors.auditor)).toEqual([]);
    });
  });

  describe('Given a case referred to the CS centre manager (policy triage.referredCaseRoles)', () => {
    const h = history().register().run(command('ReferComplaintToManager', { reason: '性质难判' }, actors.dutyOfficer, plusHours(T0, 1)));
    it('when the duty officer views it, then triage and referral are no longer offered; when the CS centre manager does, then triage is', () => {
      expect(actionsOf(h, actors.dutyOfficer)).not.toContain('triage');
      expect(actionsOf(h, actors.dutyOfficer)).not.toContain('refer');
      expect(actionsOf(h, actors.csManager)).toContain('triage');
    });
  });

  describe('Given a complaint in handling', () => {
    const h = history().register().triage().firstReply();
    it('when the CS assistant views it, then the handling steps, correction and outreach are offered, but not compensation or marking major (managers’ and supervisors’ commands)', () => {
      expect(actionsOf(h, actors.assistant)).toEqual(['reply', 'plan', 'resolve', 'escalate', 'reassign', 'outreach', 'correct']);
    });
    it('when the CS centre manager views it, then marking major and compensation are offered too', () => {
      expect(actionsOf(h, actors.csManager)).toEqual(['reply', 'plan', 'resolve', 'escalate', 'reassign', 'markMajor', 'compensate', 'outreach', 'correct']);
    });
    it('then the reply kinds follow the replies given: a second reply or progress after the first', () => {
      expect(replyKindsFor(h.complaint, actors.assistant, h.now, ctx)).toEqual(['second', 'progress']);
      expect(replyKindsFor(history().register().triage().complaint, actors.assistant, h.now, ctx)).toEqual(['first', 'progress']);
    });
    it('when the complaint is at the top of the escalation chain, then escalation is not offered', () => {
      const top = history().register().triage();
      for (let i = 0; i < DEFAULT_POLICY.escalation.chain.length - 1; i++) top.run(command('EscalateComplaint', { reason: '升级' }, actors.assistant, top.now));
      expect(actionsOf(top, actors.assistant)).not.toContain('escalate');
    });
    it('when the CS manager has used up the compensation limit on this complaint (核决权限 per complaint), then compensation is offered to the general manager only', () => {
      const spent = history().register().triage();
      spent.run(command<ApproveCompensation>('ApproveCompensation', { amount: DEFAULT_POLICY.compensation.approvalLimits.cs_manager as number, reason: '补偿' }, actors.csManager, spent.now));
      expect(actionsOf(spent, actors.csManager)).not.toContain('compensate');
      expect(actionsOf(spent, actors.generalManager)).toContain('compensate');
    });
    it('when a site’s policy lets the assistant approve compensation, then the view offers it to the assistant (the site’s permissions, not the default)', () => {
      const policy: ComplaintPolicy = {
        ...DEFAULT_POLICY,
        permissions: { ...DEFAULT_POLICY.permissions, ApproveCompensation: [...DEFAULT_POLICY.permissions.ApproveCompensation, 'cs_assistant'] },
        compensation: { ...DEFAULT_POLICY.compensation, approvalLimits: { ...DEFAULT_POLICY.compensation.approvalLimits, cs_assistant: 200 } },
      };
      expect(actionsOf(h, actors.assistant, policy)).toContain('compensate');
    });
    it('when the viewer is the employee the complaint is about (conflict of interest), then compensation is not offered', () => {
      const subject = history().register({ subjectEmployeeIds: [actors.csManager.id] }).triage();
      expect(actionsOf(subject, actors.csManager)).not.toContain('compensate');
    });
  });

  describe('Given a resolved complaint', () => {
    const h = history().register().triage().firstReply().resolve();
    it('when the CS assistant views it, then callback and exemption are offered', () => {
      expect(actionsOf(h, actors.assistant)).toEqual(expect.arrayContaining(['callback', 'exempt']));
      expect(actionsOf(h, actors.assistant)).not.toContain('resolve');
    });
    it('when it is major, then its on-site callback is offered to the CS centre manager and general manager only (callback.majorVisitRoles)', () => {
      const major = history().register({ householdCount: 20 }).triage().firstReply().resolve();
      expect(actionsOf(major, actors.assistant)).not.toContain('callback');
      expect(actionsOf(major, actors.csManager)).toContain('callback');
    });
  });

  describe('Given a closed complaint', () => {
    const h = history().register().triage().close();
    it('when the CS assistant views it, then only outreach and correction remain (records stay correctable until sealed)', () => {
      expect(actionsOf(h, actors.assistant)).toEqual(['outreach', 'correct']);
    });
    it('when the CS centre manager views it before the year’s last day, then year-end sealing is not offered; from 31 December on it is', () => {
      expect(actionsOf(h, actors.csManager)).not.toContain('archive');
      const yearEnd = complaintActions(h.complaint, actors.csManager, '2025-12-31T02:00:00.000Z', ctx);
      expect(yearEnd).toContain('archive');
    });
    it('when the administrator views it, then erasure is offered until it is done', () => {
      expect(actionsOf(h, actors.admin)).toContain('erase');
      const erased = history().register().triage().close().run(command('ErasePersonalData', { reason: '本人申请' }, actors.admin, plusHours(T0, 9)));
      expect(actionsOf(erased, actors.admin)).not.toContain('erase');
    });
  });

  describe('Given a sealed (archived) complaint', () => {
    const h = history().register().triage().close();
    h.run(command('ArchiveComplaint', {}, actors.csManager, '2025-12-31T02:00:00.000Z'));
    it('when CS staff view it, then nothing is offered; the administrator may still erase', () => {
      expect(complaintActions(h.complaint, actors.csManager, '2026-01-02T00:00:00.000Z', ctx)).toEqual([]);
      expect(complaintActions(h.complaint, actors.admin, '2026-01-02T00:00:00.000Z', ctx)).toEqual(['erase']);
    });
  });

  describe('Given a caller and the site’s decision context', () => {
    it('when the view is computed for them, then it carries their actions and reply kinds; without a caller it carries none', () => {
      const h = history().register().triage();
      const view = complaintViewFor(h.complaint, 'cs_assistant', h.now, { actor: actors.assistant, context: ctx });
      expect(view.actions).toEqual(actionsOf(h, actors.assistant));
      expect(view.replyKinds).toEqual(['first', 'progress']);
      expect(complaintViewFor(h.complaint, 'cs_assistant', h.now).actions).toBeUndefined();
    });
  });
});

describe('Compensation over an approver’s limit goes to the next approver (核决权限)', () => {
  it('given the default limits, when 5,000 is asked, then the general manager is the next approver; above 10,000, leadership', () => {
    expect(nextCompensationApprover(DEFAULT_POLICY, 800)).toBe('cs_manager');
    expect(nextCompensationApprover(DEFAULT_POLICY, 5_000)).toBe('general_manager');
    expect(nextCompensationApprover(DEFAULT_POLICY, 50_000)).toBe('leadership');
  });

  it('given a triaged complaint, when the CS centre manager approves 5,000, then the refusal names the general manager as the next approver', () => {
    const h = history().register().triage();
    given(h.events)
      .when(command<ApproveCompensation>('ApproveCompensation', { amount: 5_000, reason: '漏水' }, actors.csManager, h.now))
      .thenThrows(ForbiddenError, (e: ForbiddenError) => expect([e.reason, e.message.includes('goes to the general_manager')]).toEqual(['authority_limit', true]));
  });
});
