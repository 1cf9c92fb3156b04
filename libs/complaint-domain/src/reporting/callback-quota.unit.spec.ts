import { DEFAULT_POLICY, resolvePolicy } from '../policy/policy';
import { callbackQuotaReminders, callbackQuotaShortfalls, callbackRate } from './callback-quota';

describe('Monthly callback quota (CS manager ≥ 3, general manager ≥ 1)', () => {
  describe('When a month’s callbacks are counted', () => {
    it('should report who fell short and by how much', () => {
      expect(
        callbackQuotaShortfalls(
          [
            { actorId: 'm1', role: 'cs_manager', callbacks: 2 },
            { actorId: 'm2', role: 'cs_manager', callbacks: 3 },
            { actorId: 'g1', role: 'general_manager', callbacks: 0 },
            { actorId: 'a1', role: 'cs_assistant', callbacks: 0 },
          ],
          DEFAULT_POLICY,
        ),
      ).toEqual([
        { actorId: 'm1', role: 'cs_manager', callbacks: 2, required: 3, missing: 1 },
        { actorId: 'g1', role: 'general_manager', callbacks: 0, required: 1, missing: 1 },
      ]);
    });
  });
  describe('When the callback rate is computed (target 100 %)', () => {
    it('should divide done by callable, and count nothing callable as 100 %', () => {
      expect([callbackRate(9, 10), callbackRate(0, 0)]).toEqual([0.9, 1]);
    });
  });
  describe('Month-end reminder of the managers’ minimums (seed: CS centre manager ≥ 3 callbacks a month, general manager ≥ 1)', () => {
    const counts = [
      { actorId: 'm1', role: 'cs_manager' as const, callbacks: 1 },
      { actorId: 'g1', role: 'general_manager' as const, callbacks: 1 },
    ];
    const site = { siteId: 'site-a', timeZone: 'Asia/Shanghai' };

    it('given a manager below the minimum five days before the month ends (site-local), when the reminders are asked for, then they are reminded of what is missing, once a month by key', () => {
      // 2026-03-26 08:00 in Shanghai (00:00 UTC): 5 days left after today in March.
      expect(callbackQuotaReminders(counts, DEFAULT_POLICY, site, '2026-03-26T00:00:00Z')).toEqual([
        { actorId: 'm1', role: 'cs_manager', callbacks: 1, required: 3, missing: 2, siteId: 'site-a', month: '2026-03', daysLeft: 5, key: 'callback-quota:site-a:2026-03:m1:cs_manager' },
      ]);
    });

    it('given the same manager earlier in the month, then nothing yet', () => {
      expect(callbackQuotaReminders(counts, DEFAULT_POLICY, site, '2026-03-25T00:00:00Z')).toEqual([]);
    });

    it('should count the month in the site’s time zone (31 March 20:00 UTC is already April in Shanghai) and read the days from the policy', () => {
      expect(callbackQuotaReminders(counts, DEFAULT_POLICY, site, '2026-03-31T20:00:00Z')).toEqual([]);
      const lastDayOnly = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { callback: { monthlyMinimumReminderDays: 0 } } }]);
      expect(callbackQuotaReminders(counts, lastDayOnly, site, '2026-03-30T00:00:00Z')).toEqual([]);
      expect(callbackQuotaReminders(counts, lastDayOnly, site, '2026-03-31T00:00:00Z').map((r) => [r.actorId, r.daysLeft])).toEqual([['m1', 0]]);
    });
  });
});
