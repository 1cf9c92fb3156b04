/**
 * The CS centre manager does at least 3 callbacks a month and the general manager at least 1
 * (docs/process.md §5); the numbers live in `policy.callback.monthlyMinimum`. Pass every person who
 * holds a role with a minimum — including those with zero callbacks — and get the shortfalls.
 */
import type { Role } from '../common/actor';
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
