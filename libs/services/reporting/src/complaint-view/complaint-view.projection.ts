import type { Complaint, ComplaintState } from '@complaints/domain';
import { upsertRows, type ColumnSpec, type ProjectedEvent, type StateChange, type StreamProjection } from '@complaints/read-model';
import type { EntityManager } from 'typeorm';
import { evolveComplaint } from '../projections/complaint-stream';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'uuid' },
  { name: 'number', type: 'text' },
  { name: 'site_id', type: 'text' },
  { name: 'channel', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'nature', type: 'text' },
  { name: 'severity', type: 'text' },
  { name: 'urgency', type: 'text' },
  { name: 'major', type: 'boolean' },
  { name: 'category', type: 'text' },
  { name: 'department', type: 'text' },
  { name: 'assignee', type: 'text' },
  { name: 'complainant', type: 'jsonb' },
  { name: 'title', type: 'text' },
  { name: 'description', type: 'text' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'deadlines', type: 'jsonb' },
  { name: 'escalation_level', type: 'integer' },
  { name: 'reopen_count', type: 'integer' },
  { name: 'satisfaction', type: 'integer' },
  { name: 'closed_at', type: 'timestamptz' },
  { name: 'related_complaint_id', type: 'text' },
  { name: 'repeat_count', type: 'integer' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'json' },
  { name: 'updated_at', type: 'timestamptz' },
];

/** The row of `reporting.complaint_view`: the list's filter columns plus the folded domain state. */
export const complaintViewRow = (state: Complaint, version: number, lastEvent: ProjectedEvent): Record<string, unknown> => ({
  id: state.id,
  number: state.number,
  site_id: state.siteId,
  channel: state.channel,
  status: state.status,
  nature: state.nature ?? null,
  severity: state.severity ?? null,
  urgency: state.urgency ?? null,
  major: state.major,
  category: state.category ?? null,
  department: state.department ?? null,
  assignee: state.assignee ?? null,
  complainant: state.complainant,
  title: state.title,
  description: state.description,
  received_at: state.receivedAt,
  deadlines: state.deadlines,
  escalation_level: state.escalationLevel,
  reopen_count: state.reopenCount,
  satisfaction: state.satisfaction ?? null,
  closed_at: state.closedAt ?? null,
  related_complaint_id: state.relatedComplaintId ?? null,
  repeat_count: state.repeatCount,
  version,
  state,
  // The recorded time of the last event, not the clock: a rebuild writes the very same row.
  updated_at: lastEvent.recordedAt,
});

/**
 * The complaint view and list of docs/api.md: one row per complaint holding the state folded
 * with the domain's own `evolve` (one source of truth for what an event means) and the
 * columns the list filters and searches on.
 */
export const complaintViewProjection: StreamProjection<ComplaintState> = {
  name: 'complaint-view',
  description: 'GET /api/complaints and /api/complaints/:id',
  stateTable: { table: 'reporting.complaint_view', key: 'id', keyType: 'uuid' },
  tables: ['reporting.complaint_view'],
  evolve: (state, event) => {
    const next = evolveComplaint(state, event);
    return next.exists ? next : undefined;
  },
  write: async (manager: EntityManager, changes: readonly StateChange<ComplaintState>[]) => {
    const rows = changes.flatMap((c) => (c.after.exists ? [complaintViewRow(c.after, c.version, c.lastEvent)] : []));
    await upsertRows(manager, 'reporting.complaint_view', COLUMNS, ['id'], rows, { chunkSize: 1_000 });
  },
};
