import type { ComplaintState } from '@complaints/domain';
import { upsertRows, type ColumnSpec, type StateChange, type StreamProjection } from '@complaints/read-model';
import type { EntityManager } from 'typeorm';
import { evolveComplaint } from '../projections/complaint-stream';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'uuid' },
  { name: 'site_id', type: 'text' },
  { name: 'department', type: 'text' },
  { name: 'category', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'number', type: 'text' },
  { name: 'title', type: 'text' },
  { name: 'urgency', type: 'text' },
  { name: 'major', type: 'boolean' },
  { name: 'escalation_level', type: 'integer' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'resolved_at', type: 'timestamptz' },
  { name: 'closed_at', type: 'timestamptz' },
  { name: 'due_first_reply', type: 'timestamptz' },
  { name: 'due_second_reply', type: 'timestamptz' },
  { name: 'due_plan', type: 'timestamptz' },
  { name: 'due_resolve', type: 'timestamptz' },
  { name: 'due_follow_up', type: 'timestamptz' },
  { name: 'due_callback', type: 'timestamptz' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'json' },
  { name: 'updated_at', type: 'timestamptz' },
];

/**
 * The department dashboard's cases: one row per complaint with the pending due time of each
 * stage in its own indexed column, so "due today", "overdue per stage" and the callback
 * backlog are plain range counts at query time (they depend on the clock, the rows do not).
 */
export const departmentDashboardProjection: StreamProjection<ComplaintState> = {
  name: 'department-dashboard',
  description: 'GET /api/dashboards/department',
  stateTable: { table: 'reporting.dashboard_case', key: 'id', keyType: 'uuid' },
  tables: ['reporting.dashboard_case'],
  evolve: (state, event) => {
    const next = evolveComplaint(state, event);
    return next.exists ? next : undefined;
  },
  write: async (manager: EntityManager, changes: readonly StateChange<ComplaintState>[]) => {
    const rows = changes.flatMap(({ key, version, after: c, lastEvent }) =>
      c.exists
        ? [
            {
              id: key,
              site_id: c.siteId,
              department: c.department ?? null,
              category: c.category ?? null,
              status: c.status,
              number: c.number,
              title: c.title,
              urgency: c.urgency ?? null,
              major: c.major,
              escalation_level: c.escalationLevel,
              received_at: c.receivedAt,
              resolved_at: c.resolution?.resolvedAt ?? null,
              closed_at: c.closedAt ?? null,
              due_first_reply: c.deadlines.firstReply ?? null,
              due_second_reply: c.deadlines.secondReply ?? null,
              due_plan: c.deadlines.plan ?? null,
              due_resolve: c.deadlines.resolve ?? null,
              due_follow_up: c.deadlines.followUp ?? null,
              due_callback: c.deadlines.callback ?? null,
              version,
              state: c,
              updated_at: lastEvent.recordedAt,
            },
          ]
        : [],
    );
    await upsertRows(manager, 'reporting.dashboard_case', COLUMNS, ['id'], rows, { chunkSize: 1_000 });
  },
};
