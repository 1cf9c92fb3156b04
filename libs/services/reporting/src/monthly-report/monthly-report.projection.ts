import { deleteRows, upsertRows, type ColumnSpec, type StateChange, type StreamProjection } from '@complaints/read-model';
import type { EntityManager } from 'typeorm';
import { factInstant, foldReportFacts, type ReportFact, type ReportFold } from './monthly-report.rules';

const COMPLAINT_COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'uuid' },
  { name: 'site_id', type: 'text' },
  { name: 'number', type: 'text' },
  { name: 'title', type: 'text' },
  { name: 'description', type: 'text' },
  { name: 'channel', type: 'text' },
  { name: 'category', type: 'text' },
  { name: 'nature', type: 'text' },
  { name: 'department', type: 'text' },
  { name: 'major', type: 'boolean' },
  { name: 'repeat', type: 'boolean' },
  { name: 'status', type: 'text' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'closed_at', type: 'timestamptz' },
  { name: 'reopen_count', type: 'integer' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'json' },
  { name: 'updated_at', type: 'timestamptz' },
];

const FACT_KEY: ColumnSpec[] = [
  { name: 'complaint_id', type: 'uuid' },
  { name: 'ordinal', type: 'integer' },
];

const FACT_COLUMNS: ColumnSpec[] = [
  ...FACT_KEY,
  { name: 'site_id', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'stage', type: 'text' },
  { name: 'at', type: 'timestamptz' },
  { name: 'started_at', type: 'timestamptz' },
  { name: 'due_at', type: 'timestamptz' },
  { name: 'ended_at', type: 'timestamptz' },
  { name: 'outcome', type: 'text' },
  { name: 'breached', type: 'boolean' },
  { name: 'actor_id', type: 'text' },
  { name: 'actor_role', type: 'text' },
  { name: 'actor_name', type: 'text' },
  { name: 'method', type: 'text' },
  { name: 'reached', type: 'boolean' },
  { name: 'satisfaction', type: 'integer' },
];

/** One row of `reporting.report_fact`; `at` is the instant the fact counts in a month by. */
export const factRow = (complaintId: string, siteId: string, ordinal: number, fact: ReportFact): Record<string, unknown> => {
  const base = { complaint_id: complaintId, ordinal, site_id: siteId, kind: fact.kind, at: factInstant(fact) };
  switch (fact.kind) {
    case 'stage':
      return { ...base, stage: fact.stage, started_at: fact.startedAt, due_at: fact.dueAt, ended_at: fact.endedAt, outcome: fact.outcome, breached: fact.breached };
    case 'callback_round':
      return { ...base, started_at: fact.startedAt, ended_at: fact.endedAt, outcome: fact.outcome, satisfaction: fact.satisfaction };
    case 'callback':
      return { ...base, actor_id: fact.actor.id, actor_role: fact.actor.role, actor_name: fact.actor.name ?? null, method: fact.method, reached: fact.reached, satisfaction: fact.satisfaction };
    default:
      return { ...base, actor_id: fact.actor.id, actor_role: fact.actor.role, actor_name: fact.actor.name ?? null };
  }
};

const same = (a: ReportFact | undefined, b: ReportFact | undefined): boolean => a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b));

/**
 * The monthly pack's facts: one `report_complaint` row per complaint (its current
 * classification, for counts by category, nature, channel, department) and one
 * `report_fact` row per timed step, callback round, callback attempt and milestone.
 * Facts only grow or change at the end, so a batch writes only the facts it changed.
 */
export const monthlyReportProjection: StreamProjection<ReportFold> = {
  name: 'monthly-report',
  description: 'GET /api/reports/monthly (facts per complaint: timed steps, callbacks, milestones)',
  stateTable: { table: 'reporting.report_complaint', key: 'id', keyType: 'uuid' },
  tables: ['reporting.report_complaint', 'reporting.report_fact'],
  evolve: (state, event) => foldReportFacts(state, event),
  write: async (manager: EntityManager, changes: readonly StateChange<ReportFold>[]) => {
    const complaints: Record<string, unknown>[] = [];
    const upserts: Record<string, unknown>[] = [];
    const removals: Record<string, unknown>[] = [];
    for (const { key, version, before, after, lastEvent } of changes) {
      const c = after.complaint;
      complaints.push({
        id: key,
        site_id: c.siteId,
        number: c.number,
        title: c.title,
        description: c.description,
        channel: c.channel,
        category: c.category ?? null,
        nature: c.nature ?? null,
        department: c.department ?? null,
        major: c.major,
        repeat: c.repeatOf !== undefined,
        status: c.status,
        received_at: c.receivedAt,
        closed_at: c.closedAt ?? null,
        reopen_count: c.reopenCount,
        version,
        state: after,
        updated_at: lastEvent.recordedAt,
      });
      const old = before?.facts ?? [];
      after.facts.forEach((fact, i) => {
        if (!same(old[i], fact)) upserts.push(factRow(key, c.siteId, i, fact));
      });
      for (let i = after.facts.length; i < old.length; i++) removals.push({ complaint_id: key, ordinal: i });
    }
    await upsertRows(manager, 'reporting.report_complaint', COMPLAINT_COLUMNS, ['id'], complaints, { chunkSize: 1_000 });
    await deleteRows(manager, 'reporting.report_fact', FACT_KEY, removals);
    await upsertRows(manager, 'reporting.report_fact', FACT_COLUMNS, ['complaint_id', 'ordinal'], upserts);
  },
};
