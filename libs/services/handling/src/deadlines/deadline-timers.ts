import { reviewDeadlines, type Complaint, type ComplaintState, type DecisionContext } from '@complaints/domain';
import { upsertRows, type ColumnSpec, type StreamProjection } from '@complaints/read-model';
import { evolveComplaint, type SiteDirectory } from '@complaints/service-common';
import type { Pool, PoolClient } from 'pg';

/**
 * The deadline timers of docs/architecture.md: one row per complaint with the next instant
 * at which the scheduler must look at it (a deadline falling due, or a grace after a chase
 * running out). A projection (`deadline-timers`): the row is a fold of the complaint's
 * events, the next check judged at the time of its last event, so a rebuild writes the same
 * rows. The rules — what is overdue, what to issue — are the domain's `reviewDeadlines`.
 * What the scheduler itself decides ("nothing to do before …") is its own snooze, kept beside
 * (handling.deadline_snoozes), never written into the projection's rows.
 */

/** When the scheduler must next review this complaint (now, if something is already due). */
export const nextCheckAt = (state: ComplaintState, now: Date, context: Partial<DecisionContext>): Date | null => {
  if (!state.exists) return null;
  const review = reviewDeadlines(state, now.toISOString(), context);
  if (review.commands.length > 0) return now;
  return review.nextCheckAt ? new Date(review.nextCheckAt) : null;
};

const COLUMNS: ColumnSpec[] = [
  { name: 'complaint_id', type: 'uuid' },
  { name: 'site_id', type: 'text' },
  { name: 'next_check_at', type: 'timestamptz' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'jsonb' },
  { name: 'updated_at', type: 'timestamptz' },
];

export const deadlineTimersProjection = (sites: SiteDirectory): StreamProjection<Complaint> => ({
  name: 'deadline-timers',
  description: 'handling.deadline_timers: when the deadline scheduler next looks at each complaint',
  stateTable: { table: 'handling.deadline_timers', key: 'complaint_id', keyType: 'uuid' },
  tables: ['handling.deadline_timers'],
  evolve: (state, event) => {
    const next = evolveComplaint(state ?? undefined, event);
    return next.exists ? next : undefined;
  },
  write: async (manager, changes) => {
    const rows = changes.map(({ key, version, after, lastEvent }) => {
      // The event's own instant (the clock of the command that wrote it), not the time of applying it.
      const at = typeof lastEvent.data.at === 'string' ? lastEvent.data.at : lastEvent.recordedAt;
      return {
        complaint_id: key,
        site_id: after.siteId,
        next_check_at: nextCheckAt(after, new Date(at), { policy: sites.policy(after.siteId) }),
        version,
        state: after,
        updated_at: lastEvent.recordedAt,
      };
    });
    await upsertRows(manager, 'handling.deadline_timers', COLUMNS, ['complaint_id'], rows, { chunkSize: 500 });
  },
});

/** The scheduler's verdict on a complaint at `version`: nothing to do before `until` (null: nothing more at all). */
export const saveSnooze = async (db: Pool | PoolClient, complaintId: string, version: number, until: Date | null): Promise<void> => {
  await db.query(
    `INSERT INTO handling.deadline_snoozes (complaint_id, version, until) VALUES ($1, $2, $3)
     ON CONFLICT (complaint_id) DO UPDATE SET version = EXCLUDED.version, until = EXCLUDED.until, updated_at = now()
     WHERE handling.deadline_snoozes.version <= EXCLUDED.version`,
    [complaintId, version, until],
  );
};

/**
 * The timers due at `now`: the projection's next check has come and no snooze for that
 * version (or a later one: the scheduler saw a newer state than the projection has yet)
 * says to wait.
 */
export const DUE_TIMERS_SQL = `
  SELECT t.complaint_id FROM handling.deadline_timers t
  LEFT JOIN handling.deadline_snoozes s ON s.complaint_id = t.complaint_id AND s.version >= t.version
  WHERE t.next_check_at <= $1 AND (s.complaint_id IS NULL OR s.until <= $1)
  ORDER BY t.next_check_at LIMIT $2 FOR UPDATE OF t SKIP LOCKED`;
