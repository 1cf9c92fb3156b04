import { FIRST_CONTACT_OWNER, noticeTexts, notificationFromEvent, notificationFromRecordsEvent, parseNotificationMessage } from './notification.message';

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

  describe('Records desk chases (the monthly pack, the weekly supervisor check, the callback minimum) are notices about a site’s month or week', () => {
    it('given a MonthlyPackSignOffChased event, then a notice goes to the signers the domain named, about the site’s month, in both languages', () => {
      const n = notificationFromRecordsEvent({
        id: 'e-10',
        type: 'MonthlyPackSignOffChased',
        data: { siteId: 'site-a', month: '2025-03', dueBy: '2025-04-03', date: '2025-04-08', notifyRoles: ['cs_manager', 'general_manager'], at: 'x' },
      });
      expect(n).toMatchObject({ eventId: 'e-10', kind: 'pack_sign_off_chase', subject: { siteId: 'site-a', month: '2025-03' }, toRole: 'cs_manager', alsoNotify: ['general_manager'], code: 'notice.packSignOffChase' });
      expect(n?.complaintId).toBeUndefined();
      expect(noticeTexts(n!)['zh-CN']).toContain('客服中心经理、总物业经理');
      expect(parseNotificationMessage(JSON.stringify(n))).toEqual(n);
    });

    it('given a WeeklyCheckChased event, then a notice goes to the role of that chase step, about the site’s week', () => {
      const n = notificationFromRecordsEvent({ id: 'e-11', type: 'WeeklyCheckChased', data: { siteId: 'site-a', week: '2025-W14', dueAt: 'd', level: 1, to: 'cs_manager', key: 'k', at: 'x' } });
      expect(n).toMatchObject({ kind: 'weekly_check_chase', subject: { siteId: 'site-a', week: '2025-W14' }, toRole: 'cs_manager', escalationLevel: 1, code: 'notice.weeklyCheckChase' });
      expect(noticeTexts(n!).en).toBe('Chase: the supervisor check of site-a for week 2025-W14 was due d and is not done (level 1): the CS centre manager must follow up.');
    });

    it('given a CallbackQuotaReminded event, then the person short of the minimum is told, with their count, the minimum and the days left', () => {
      const n = notificationFromRecordsEvent({
        id: 'e-12',
        type: 'CallbackQuotaReminded',
        data: { siteId: 'site-a', month: '2025-04', actorId: 'u-1', actorName: '陈经理', role: 'cs_manager', callbacks: 1, required: 3, missing: 2, daysLeft: 1, at: 'x' },
      });
      expect(n).toMatchObject({ kind: 'callback_quota', toRole: 'cs_manager', toUser: { id: 'u-1', name: '陈经理' }, subject: { siteId: 'site-a', month: '2025-04' } });
      expect(noticeTexts(n!)['zh-CN']).toBe('回访提醒：您在 site-a 本月（2025-04）已回访 1 次，最低要求 3 次，尚差 2 次，本月还剩 1 天。');
    });

    it('given a records event that tells nobody (a pack generated) or one without a site, then no notice; a message about neither a complaint nor a site is refused', () => {
      expect(notificationFromRecordsEvent({ id: 'e-13', type: 'MonthlyPackGenerated', data: { siteId: 'site-a', month: '2025-03' } })).toBeUndefined();
      expect(notificationFromRecordsEvent({ id: 'e-14', type: 'WeeklyCheckChased', data: { week: '2025-W14', to: 'cs_manager' } })).toBeUndefined();
      expect(() => parseNotificationMessage(JSON.stringify({ schemaVersion: 1, eventId: 'e', kind: 'chase' }))).toThrow('not a notification message');
    });
  });
});
