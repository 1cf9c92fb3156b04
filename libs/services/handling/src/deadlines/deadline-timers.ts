import { reviewDeadlines, type ComplaintState, type DecisionContext } from '@complaints/domain';
import type { PoolClient, Pool } from 'pg';

/**
 * The deadline timers of docs/architecture.md: one row per open complaint with the next
 * instant at which the scheduler must look at it (a deadline falling due, or a grace
 * after a chase running out). Built from events by the handling consumer; read by the
 * scheduler. The rules — what is overdue, what to issue — are the domain's
 * `reviewDeadlines`; this file only stores when to ask again.
 */
export const deadlineTimersSql = `
CREATE SCHEMA IF NOT EXISTS handling;
CREATE TABLE IF NOT EXISTS handling.deadline_timers (
  complaint_id  uuid PRIMARY KEY,
  site_id       text        NOT NULL,
  next_check_at timestamptz,
  version       integer     NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS deadline_timers_due ON handling.deadline_timers (next_check_at) WHERE next_check_at IS NOT NULL;`;

/** When the scheduler must next review this complaint (now, if something is already due). */
export const nextCheckAt = (state: ComplaintState, now: Date, context: Partial<DecisionContext>): Date | null => {
  if (!state.exists) return null;
  const review = reviewDeadlines(state, now.toISOString(), context);
  if (review.commands.length > 0) return now;
  return review.nextCheckAt ? new Date(review.nextCheckAt) : null;
};

export const saveTimer = async (db: Pool | PoolClient, state: ComplaintState, next: Date | null): Promise<void> => {
  if (!state.exists) return;
  // A row only moves forward in version, so a late, older review never overwrites a newer one.
  await db.query(
    `INSERT INTO handling.deadline_timers (complaint_id, site_id, next_check_at, version) VALUES ($1, $2, $3, $4)
     ON CONFLICT (complaint_id) DO UPDATE SET next_check_at = EXCLUDED.next_check_at, version = EXCLUDED.version, updated_at = now()
     WHERE handling.deadline_timers.version <= EXCLUDED.version`,
    [state.id, state.siteId, next, state.version],
  );
};
