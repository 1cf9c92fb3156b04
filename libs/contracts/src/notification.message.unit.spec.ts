import { FIRST_CONTACT_OWNER, noticeTexts, notificationFromEvent } from './notification.message';

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
        code: 'notice.outcome',
        params: { basis: 'accepted' },
      });
      expect(noticeTexts(n!)).toEqual({ 'zh-CN': '您首问的投诉已办结：投诉人接受处理结果。', en: 'A complaint you first received is closed: Complainant accepted the result.' });
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

  describe('Every notice carries a catalogue code with parameters, rendered in both languages', () => {
    it('given a chase, an escalation and a major complaint, then each has its code, and its texts name the deadline, level, role and reasons in each language', () => {
      const chase = notificationFromEvent({ id: 'e-4', type: 'DeadlineChased', data: { at: 'x', deadline: 'firstReply', dueAt: '2026-03-05T02:00:00.000Z', notifyRole: 'cs_assistant' } }, 'c-1');
      expect(chase).toMatchObject({ code: 'notice.chase', params: { deadline: 'firstReply', dueAt: '2026-03-05T02:00:00.000Z' } });
      expect(noticeTexts(chase!)['zh-CN']).toBe('催办：投诉的“一次答复”已于 2026-03-05T02:00:00.000Z 到期，请尽快办理。');
      const escalated = notificationFromEvent({ id: 'e-5', type: 'ComplaintEscalated', data: { at: 'x', escalatedTo: 'general_manager', toLevel: 2 } }, 'c-1');
      expect(noticeTexts(escalated!)).toEqual({ 'zh-CN': '投诉已升级至第 2 级，由总物业经理督办。', en: 'The complaint was escalated to level 2: General manager.' });
      const major = notificationFromEvent({ id: 'e-6', type: 'ComplaintMarkedMajor', data: { at: 'x', escalatedTo: 'general_manager', reasons: ['media'], notify: ['leadership'] } }, 'c-1');
      expect(major).toMatchObject({ code: 'notice.major', params: { reasons: ['media'], role: 'general_manager' }, reason: 'media' });
      expect(noticeTexts(major!).en).toBe('Major complaint (Media exposure) for the General manager.');
    });

    it('given a notice published before codes were added (no code), then its texts come from its kind and fields', () => {
      const old = { schemaVersion: 1 as const, eventId: 'e-7', complaintId: 'c-1', at: 'x', kind: 'major' as const, toRole: 'general_manager', reason: 'media,repeat' };
      expect(noticeTexts(old)['zh-CN']).toBe('重大投诉（媒体曝光、重复投诉），请总物业经理督办。');
    });
  });
});
