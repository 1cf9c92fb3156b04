import { upsertRows, type ColumnSpec, type StreamProjection } from '@complaints/read-model';
import { evolveTracking, type ComplaintTracking } from '@complaints/service-common';

/**
 * Callback tasks (回访): one opens when a complaint is resolved, with its own due date;
 * unreached attempts move it on; a score, an exemption or a reopen's next resolution ends
 * or renews it. The CS assistants' callback queue and the dashboard's callback backlog read
 * callback.tasks. One projection writes the complaint's record (callback.cases, which also
 * keeps the folded state) and its task, from the same fold.
 */
export type CallbackTask = {
  status: 'open' | 'done' | 'exempt';
  openedAt: string;
  dueAt: string | null;
  attempts: number;
  round: number;
  satisfaction: number | null;
  closedAt: string | null;
};

export type CallbackCase = { tracking: ComplaintTracking; task?: CallbackTask };

type Data = Record<string, unknown> & { at: string; deadlines?: { callback?: string }; attempt?: number; satisfaction?: number };

export const evolveTask = (task: CallbackTask | undefined, event: { type: string; data: Record<string, unknown> }): CallbackTask | undefined => {
  const d = event.data as Data;
  switch (event.type) {
    case 'ComplaintResolved':
      return { status: 'open', openedAt: d.at, dueAt: d.deadlines?.callback ?? null, attempts: 0, round: task ? task.round + 1 : 1, satisfaction: null, closedAt: null };
    case 'CallbackUnreached':
      return task && { ...task, attempts: d.attempt ?? task.attempts, dueAt: d.deadlines?.callback ?? task.dueAt };
    case 'CallbackCompleted':
      return task && { ...task, status: 'done', satisfaction: d.satisfaction ?? null, closedAt: d.at };
    case 'CallbackExempted':
      return task && { ...task, status: 'exempt', closedAt: d.at };
    default:
      return task;
  }
};

const CASE_COLUMNS: ColumnSpec[] = [
  { name: 'complaint_id', type: 'uuid' },
  { name: 'site_id', type: 'text' },
  { name: 'number', type: 'text' },
  { name: 'registered_at', type: 'timestamptz' },
  { name: 'last_event', type: 'text' },
  { name: 'events_seen', type: 'integer' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'jsonb' },
];

const TASK_COLUMNS: ColumnSpec[] = [
  { name: 'complaint_id', type: 'uuid' },
  { name: 'site_id', type: 'text' },
  { name: 'number', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'opened_at', type: 'timestamptz' },
  { name: 'due_at', type: 'timestamptz' },
  { name: 'attempts', type: 'integer' },
  { name: 'round', type: 'integer' },
  { name: 'satisfaction', type: 'integer' },
  { name: 'closed_at', type: 'timestamptz' },
  { name: 'updated_at', type: 'timestamptz' },
];

export const callbackTasksProjection: StreamProjection<CallbackCase> = {
  name: 'callback-tasks',
  description: 'callback.cases and callback.tasks: the callback queue (GET /api/callbacks)',
  stateTable: { table: 'callback.cases', key: 'complaint_id', keyType: 'uuid' },
  tables: ['callback.cases', 'callback.tasks'],
  evolve: (state, event) => {
    // Rows from before the projection engine hold only their columns (no state): start afresh.
    const tracking = evolveTracking(state?.tracking, event);
    if (!tracking) return undefined;
    const task = evolveTask(state?.task, event);
    return task ? { tracking, task } : { tracking };
  },
  write: async (manager, changes) => {
    const cases = changes.map(({ key, version, after, lastEvent }) => ({
      complaint_id: key,
      site_id: after.tracking.siteId,
      number: after.tracking.number,
      registered_at: after.tracking.registeredAt,
      last_event: after.tracking.lastEvent,
      events_seen: version,
      updated_at: lastEvent.recordedAt,
      version,
      state: after,
    }));
    const tasks = changes.flatMap(({ key, after, lastEvent }) =>
      after.task
        ? [
            {
              complaint_id: key,
              site_id: after.tracking.siteId,
              number: after.tracking.number,
              status: after.task.status,
              opened_at: after.task.openedAt,
              due_at: after.task.dueAt,
              attempts: after.task.attempts,
              round: after.task.round,
              satisfaction: after.task.satisfaction,
              closed_at: after.task.closedAt,
              updated_at: lastEvent.recordedAt,
            },
          ]
        : [],
    );
    await upsertRows(manager, 'callback.cases', CASE_COLUMNS, ['complaint_id'], cases, { chunkSize: 1_000 });
    await upsertRows(manager, 'callback.tasks', TASK_COLUMNS, ['complaint_id'], tasks, { chunkSize: 1_000 });
  },
};
