/**
 * What the department dashboard counts (docs/process.md §4–5: chasing, callback). Plain rules,
 * no framework; they belong in the domain library beside the deadline rules and live here
 * until it can take them.
 *
 *  - open: registered, triaged, in progress or reopened — handling is still owed. A resolved
 *    complaint is no longer open for the department; it waits in the callback backlog.
 *  - due today: complaints with a pending deadline (of the stages below) that falls due from
 *    now until the end of the site's local day.
 *  - overdue per stage: complaints whose deadline for that stage is at or before now (the same
 *    "≤ now" as the complaint view's `overdue`); `total` counts each complaint once.
 *  - by category: open complaints; by status: all of the department's complaints.
 *  - oldest open: the open complaints received first.
 *  - callback backlog: resolved complaints awaiting their callback (回访), how many of those
 *    callbacks are overdue or due today, and the longest waiting.
 */
import { endOfLocalDate, localDateOf } from '../calendar/time-zone';
import type { ComplaintStatus } from '../complaint/complaint.types';

export const OPEN_STATUSES: readonly ComplaintStatus[] = ['registered', 'triaged', 'in_progress', 'reopened'];

export const DASHBOARD_STAGES = ['firstReply', 'secondReply', 'plan', 'resolve', 'followUp', 'callback'] as const;
export type DashboardStage = (typeof DASHBOARD_STAGES)[number];

/** The column holding each stage's pending due time in `reporting.dashboard_case`. */
export const STAGE_COLUMN: Record<DashboardStage, string> = {
  firstReply: 'due_first_reply',
  secondReply: 'due_second_reply',
  plan: 'due_plan',
  resolve: 'due_resolve',
  followUp: 'due_follow_up',
  callback: 'due_callback',
};

export const OLDEST_LISTED = 5;

/** The rest of the site's local day: (now, last millisecond of today in the site's zone]. */
export const restOfSiteDay = (now: Date, timeZone: string): { from: Date; to: Date } => ({
  from: now,
  to: new Date(endOfLocalDate(localDateOf(now.getTime(), timeZone), timeZone)),
});

/** Whole days since an instant (for "oldest open"). */
export const ageInDays = (since: string | Date, now: Date): number => Math.floor((now.getTime() - new Date(since).getTime()) / 86_400_000);
