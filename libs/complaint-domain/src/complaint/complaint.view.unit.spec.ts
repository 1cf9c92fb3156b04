import { T0, history } from '../testing/complaint.fixtures';
import { evolve, initialState } from './complaint.state';
import type { ComplaintEvent } from './complaint.events';
import { complaintView, maskName, maskPhone, personalValueFor } from './complaint.view';
import { mapPersonalValues } from './personal-data';

describe('The complaint view (docs/api.md GET /api/complaints/:id)', () => {
  describe('When a triaged complaint is viewed after its first-reply deadline', () => {
    const h = history().register().triage();
    const view = complaintView(h.complaint, '2025-03-04T03:00:00.000Z');

    it('should show the current deadlines and which are overdue', () => {
      expect(view.deadlines).toEqual({
        firstReply: '2025-03-04T02:00:00.000Z',
        secondReply: null,
        plan: '2025-03-06T15:59:59.999Z',
        resolve: '2025-03-06T15:59:59.999Z',
        callback: null,
        followUp: '2025-03-06T03:00:00.000Z',
      });
      expect(view.overdue).toEqual(['firstReply']);
    });

    it('should show status, classification and version', () => {
      expect([view.status, view.nature, view.severity, view.urgency, view.major, view.category, view.department, view.assignee, view.escalationLevel, view.version]).toEqual([
        'triaged',
        'valid',
        'minor',
        'normal',
        false,
        'repairs',
        'engineering',
        'u-handler',
        0,
        2,
      ]);
    });

    it('should mask the complainant unless the caller may see it', () => {
      expect(view.complainant).toEqual({ anonymous: false, name: '业*****', phone: '138****8000', building: '3', unit: '****' });
      expect(complaintView(h.complaint, h.now, { revealComplainant: true }).complainant).toEqual({ name: '业主 刘先生', phone: '13800138000', building: '3', unit: '1201', anonymous: false });
    });
  });

  describe('Rule: history masks the flat number for the roles whose view masks it', () => {
    const registered = { type: 'ComplaintRegistered', data: { title: 't', complainant: { name: '刘先生', phone: '13800138000', building: '3', unit: '1201', anonymous: false } } };
    const corrected = { type: 'ComplaintCorrected', data: { field: 'complainant.unit', previousValue: '1201', value: '1202', reason: '听错' } };
    const historyFor = <E extends { type: string; data: object }>(event: E, role: string) => mapPersonalValues(event, (value, field) => personalValueFor(value, field, role));

    it('given a registration and a correction of the unit, when a department head or auditor reads history, then the unit is masked in both', () => {
      expect(historyFor(registered, 'department_head').data.complainant).toEqual({ name: '刘**', phone: '138****8000', building: '3', unit: '****', anonymous: false });
      expect(historyFor(corrected, 'auditor').data).toEqual({ field: 'complainant.unit', previousValue: '****', value: '****', reason: '听错' });
    });

    it('given the same events, when a CS assistant reads history, then they are shown as recorded', () => {
      expect(historyFor(registered, 'cs_assistant')).toBe(registered);
      expect(historyFor(corrected, 'cs_assistant')).toBe(corrected);
    });
  });

  describe('When values are masked', () => {
    it('should keep the first character of a name and the ends of a phone number', () => {
      expect([maskName('刘先生'), maskName('A'), maskPhone('13800138000'), maskPhone('12345')]).toEqual(['刘**', '*', '138****8000', '***45']);
    });
  });
});

describe('Tolerant reading of history', () => {
  it('should leave the state unchanged (but counted) for an event type this version does not know', () => {
    const registered = history().register().events;
    const before = registered.reduce(evolve, initialState());
    const after = evolve(before, { type: 'SomethingFromTheFuture', data: { at: T0 } } as unknown as ComplaintEvent);
    expect(after).toEqual({ ...before, version: (before.exists ? before.version : 0) + 1, lastEventAt: T0 });
  });
});
