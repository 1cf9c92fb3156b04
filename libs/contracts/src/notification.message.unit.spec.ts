import { FIRST_CONTACT_OWNER, notificationFromEvent } from './notification.message';

describe('Notifications derived from stored complaint events', () => {
  describe('The first-contact owner (首问责任人) is told the outcome', () => {
    it('given a ComplaintClosed event naming its first-contact owner, when the relay derives notifications, then an outcome notice goes to that person with the basis', () => {
      const n = notificationFromEvent(
        { id: 'e-1', type: 'ComplaintClosed', data: { at: '2026-03-05T02:00:00.000Z', basis: 'accepted', informFirstContactOwner: { id: 'u-duty', name: '王值班' } } },
        'c-1',
      );
      expect(n).toEqual({
        schemaVersion: 1,
        eventId: 'e-1',
        complaintId: 'c-1',
        at: '2026-03-05T02:00:00.000Z',
        kind: 'outcome',
        toRole: FIRST_CONTACT_OWNER,
        toUser: { id: 'u-duty', name: '王值班' },
        reason: 'accepted',
      });
    });

    it('given a ComplaintClosed event without a first-contact owner (recorded before owners were kept), then no notice', () => {
      expect(notificationFromEvent({ id: 'e-2', type: 'ComplaintClosed', data: { at: '2026-03-05T02:00:00.000Z', basis: 'accepted' } }, 'c-1')).toBeUndefined();
    });
  });

  describe('Emergency chain (seed: notify the department within 3 minutes)', () => {
    it('given an EmergencyDepartmentNotified event, then an emergency notice goes to the head of the department it was routed to, with the 3-minute bound', () => {
      const n = notificationFromEvent(
        {
          id: 'e-4',
          type: 'EmergencyDepartmentNotified',
          data: { at: '2026-03-05T02:02:00.000Z', department: 'engineering', notifyRole: 'department_head', dueBy: '2026-03-05T02:03:00.000Z', late: false, key: 'k' },
        },
        'c-1',
      );
      expect(n).toMatchObject({ kind: 'emergency', toRole: 'department_head', toDepartment: 'engineering', dueAt: '2026-03-05T02:03:00.000Z' });
      expect(n?.reason).toBeUndefined();
      const late = notificationFromEvent({ id: 'e-5', type: 'EmergencyDepartmentNotified', data: { at: 'x', department: 'engineering', dueBy: 'y', late: true } }, 'c-1');
      expect(late?.reason).toBe('late');
    });
  });

  it('given an event that tells nobody (a reply), then no notice', () => {
    expect(notificationFromEvent({ id: 'e-3', type: 'FirstReplyGiven', data: { at: '2026-03-05T02:00:00.000Z' } }, 'c-1')).toBeUndefined();
  });
});
