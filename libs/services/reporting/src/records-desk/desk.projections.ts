import type { EntityManager } from 'typeorm';
import {
  CASE_STREAM_PREFIX,
  DISCLOSURE_STREAM_PREFIX,
  WEEKLY_CHECK_STREAM_PREFIX,
  evolveDisclosure,
  evolveTypicalCase,
  evolveWeeklyCheck,
  initialDisclosureState,
  initialTypicalCaseState,
  initialWeeklyCheckState,
  DISCLOSURE_EVENT_TYPES,
  TYPICAL_CASE_EVENT_TYPES,
  WEEKLY_CHECK_EVENT_TYPES,
  type DisclosureEvent,
  type DisclosureState,
  type TypicalCaseEvent,
  type TypicalCaseState,
  type WeeklyCheckEvent,
  type WeeklyCheckState,
} from '@complaints/domain';
import { upsertRows, type ColumnSpec, type ProjectedEvent, type StateChange, type StreamProjection } from '@complaints/read-model';

/** A records-desk projection with the stream prefix it reads (the store's catch-up subscription filters by it). */
export type DeskProjection<S> = StreamProjection<S> & { readonly streamPrefix: string };

const known = (types: readonly string[]) => {
  const set = new Set(types);
  return (event: ProjectedEvent): boolean => set.has(event.type);
};

/** The domain's evolve over stored events; an event type this build does not know is passed over. */
const folding =
  <S, E>(isKnown: (e: ProjectedEvent) => boolean, initial: () => S, evolve: (s: S, e: E) => S) =>
  (state: S | undefined, event: ProjectedEvent): S | undefined =>
    isKnown(event) ? evolve(state ?? initial(), { type: event.type, data: event.data } as unknown as E) : state;

const CASE_COLUMNS: ColumnSpec[] = [
  { name: 'stream_id', type: 'text' },
  { name: 'complaint_id', type: 'text' },
  { name: 'site_id', type: 'text' },
  { name: 'number', type: 'text' },
  { name: 'category', type: 'text' },
  { name: 'title', type: 'text' },
  { name: 'summary', type: 'text' },
  { name: 'cause', type: 'text' },
  { name: 'lessons', type: 'text' },
  { name: 'marked', type: 'boolean' },
  { name: 'marked_at', type: 'timestamptz' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'jsonb' },
  { name: 'updated_at', type: 'timestamptz' },
];

/** 案例库: one row per typical case, searched group-wide by category and keyword. */
export const typicalCaseProjection: DeskProjection<TypicalCaseState> = {
  name: 'typical-case-library',
  description: 'GET /api/case-library',
  streamPrefix: CASE_STREAM_PREFIX,
  stateTable: { table: 'reporting.typical_case', key: 'stream_id', keyType: 'text' },
  tables: ['reporting.typical_case'],
  evolve: folding<TypicalCaseState, TypicalCaseEvent>(known(TYPICAL_CASE_EVENT_TYPES), initialTypicalCaseState, evolveTypicalCase),
  write: async (manager: EntityManager, changes: readonly StateChange<TypicalCaseState>[]) => {
    const rows = changes.flatMap(({ key, version, after: s, lastEvent }) =>
      s.complaintId && s.text
        ? [
            {
              stream_id: key,
              complaint_id: s.complaintId,
              site_id: s.siteId,
              number: s.number,
              category: s.category ?? null,
              title: s.title,
              summary: s.text.summary,
              cause: s.text.cause,
              lessons: s.text.lessons,
              marked: s.marked,
              marked_at: s.markedAt,
              version,
              state: s,
              updated_at: lastEvent.recordedAt,
            },
          ]
        : [],
    );
    await upsertRows(manager, 'reporting.typical_case', CASE_COLUMNS, ['stream_id'], rows);
  },
};

const DISCLOSURE_COLUMNS: ColumnSpec[] = [
  { name: 'stream_id', type: 'text' },
  { name: 'site_id', type: 'text' },
  { name: 'month', type: 'text' },
  { name: 'content_hash', type: 'text' },
  { name: 'item_count', type: 'integer' },
  { name: 'approvals', type: 'integer' },
  { name: 'approved_at', type: 'timestamptz' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'jsonb' },
  { name: 'updated_at', type: 'timestamptz' },
];

/** 公示: the approval of each site's monthly notice (the hash of the content approved). */
export const disclosureApprovalProjection: DeskProjection<DisclosureState> = {
  name: 'disclosure-approvals',
  description: 'GET /api/disclosures/:siteId/:month (approval)',
  streamPrefix: DISCLOSURE_STREAM_PREFIX,
  stateTable: { table: 'reporting.disclosure_approval', key: 'stream_id', keyType: 'text' },
  tables: ['reporting.disclosure_approval'],
  evolve: folding<DisclosureState, DisclosureEvent>(known(DISCLOSURE_EVENT_TYPES), initialDisclosureState, evolveDisclosure),
  write: async (manager, changes) => {
    const rows = changes.flatMap(({ key, version, after: s, lastEvent }) =>
      s.approvedHash && s.siteId && s.month
        ? [{ stream_id: key, site_id: s.siteId, month: s.month, content_hash: s.approvedHash, item_count: s.itemCount ?? 0, approvals: s.approvals, approved_at: s.approvedAt, version, state: s, updated_at: lastEvent.recordedAt }]
        : [],
    );
    await upsertRows(manager, 'reporting.disclosure_approval', DISCLOSURE_COLUMNS, ['stream_id'], rows);
  },
};

const CHECK_COLUMNS: ColumnSpec[] = [
  { name: 'stream_id', type: 'text' },
  { name: 'site_id', type: 'text' },
  { name: 'week', type: 'text' },
  { name: 'findings', type: 'integer' },
  { name: 'issues', type: 'integer' },
  { name: 'completed_at', type: 'timestamptz' },
  { name: 'chase_level', type: 'integer' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'jsonb' },
  { name: 'updated_at', type: 'timestamptz' },
];

/** 每周检查: one row per site and week with its findings, completion and chase level. */
export const weeklyCheckProjection: DeskProjection<WeeklyCheckState> = {
  name: 'weekly-checks',
  description: 'GET /api/weekly-checks',
  streamPrefix: WEEKLY_CHECK_STREAM_PREFIX,
  stateTable: { table: 'reporting.weekly_check', key: 'stream_id', keyType: 'text' },
  tables: ['reporting.weekly_check'],
  evolve: folding<WeeklyCheckState, WeeklyCheckEvent>(known(WEEKLY_CHECK_EVENT_TYPES), initialWeeklyCheckState, evolveWeeklyCheck),
  write: async (manager, changes) => {
    const rows = changes.flatMap(({ key, version, after: s, lastEvent }) => {
      if (!s.siteId || !s.week) return [];
      const findings = Object.values(s.findings);
      return [
        {
          stream_id: key,
          site_id: s.siteId,
          week: s.week,
          findings: findings.length,
          issues: findings.filter((f) => f.outcome === 'issue').length,
          completed_at: s.completedAt ?? null,
          chase_level: s.chaseLevel,
          version,
          state: s,
          updated_at: lastEvent.recordedAt,
        },
      ];
    });
    await upsertRows(manager, 'reporting.weekly_check', CHECK_COLUMNS, ['stream_id'], rows);
  },
};

export const DESK_PROJECTIONS: readonly DeskProjection<unknown>[] = [
  typicalCaseProjection as DeskProjection<unknown>,
  disclosureApprovalProjection as DeskProjection<unknown>,
  weeklyCheckProjection as DeskProjection<unknown>,
];
