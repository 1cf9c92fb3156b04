/**
 * The CS centre manager does at least 3 callbacks a month and the general manager at least 1
 * (docs/process.md §5); the numbers live in `policy.callback.monthlyMinimum`. Pass every person who
 * holds a role with a minimum — including those with zero callbacks — and get the shortfalls.
 */
import type { Role } from '../common/actor';
import { addDaysToLocalDate, localDateOf } from '../calendar/time-zone';
import { toMillis } from '../common/iso-time';
import type { ComplaintPolicy } from '../policy/policy';

export type CallbackCount = { actorId: string; role: Role; callbacks: number };

export type CallbackShortfall = CallbackCount & { required: number; missing: number };

export const callbackQuotaShortfalls = (counts: readonly CallbackCount[], policy: Pick<ComplaintPolicy, 'callback'>): CallbackShortfall[] =>
  counts.flatMap((count) => {
    const required = policy.callback.monthlyMinimum[count.role];
    return required !== undefined && count.callbacks < required ? [{ ...count, required, missing: required - count.callbacks }] : [];
  });

/** Callback rate: callbacks done over callable (resolved, not exempt) complaints; target policy.callback.targetRate. */
export const callbackRate = (done: number, callable: number): number => (callable === 0 ? 1 : done / callable);

export type CallbackQuotaReminder = CallbackShortfall & {
  siteId: string;
  /** The month (`YYYY-MM`, site-local) whose minimum is not met yet. */
  month: string;
  /** Days left in the month after today (0 on its last day). */
  daysLeft: number;
  /** Once per person, site and month: `callback-quota:<siteId>:<month>:<actorId>:<role>`. */
  key: string;
};

/**
 * The month-end reminder of the managers' callback minimums (seed: the CS centre manager does
 * ≥ 3 callbacks a month, the general manager ≥ 1): from `callback.monthlyMinimumReminderDays`
 * before the month's end (site-local), each person still below their minimum is reminded, with
 * a key that makes it once a month. Earlier in the month there is nothing to remind.
 */
/** The site-local month of `now` and the days left in it after today; `remind`: within the policy's reminder days. */
export const callbackQuotaReminderDay = (
  policy: Pick<ComplaintPolicy, 'callback'>,
  timeZone: string,
  now: string,
): { month: string; daysLeft: number; remind: boolean } => {
  const today = localDateOf(toMillis(now), timeZone);
  const month = today.slice(0, 7);
  let daysLeft = 0;
  while (addDaysToLocalDate(today, daysLeft + 1).slice(0, 7) === month) daysLeft++;
  return { month, daysLeft, remind: daysLeft <= policy.callback.monthlyMinimumReminderDays };
};

export const callbackQuotaReminders = (
  counts: readonly CallbackCount[],
  policy: Pick<ComplaintPolicy, 'callback'>,
  site: { siteId: string; timeZone: string },
  now: string,
): CallbackQuotaReminder[] => {
  const { month, daysLeft, remind } = callbackQuotaReminderDay(policy, site.timeZone, now);
  if (!remind) return [];
  return callbackQuotaShortfalls(counts, policy).map((s) => ({
    ...s,
    siteId: site.siteId,
    month,
    daysLeft,
    key: `callback-quota:${site.siteId}:${month}:${s.actorId}:${s.role}`,
  }));
};
