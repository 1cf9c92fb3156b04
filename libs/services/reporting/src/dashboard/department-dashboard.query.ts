import type { DataSource } from 'typeorm';
import { COMPLAINT_STATUSES } from '@complaints/domain';
import { DASHBOARD_STAGES, OLDEST_LISTED, OPEN_STATUSES, STAGE_COLUMN, ageInDays, restOfSiteDay, type DashboardStage } from './department-dashboard.rules';

export type DashboardCase = { id: string; number: string; title: string; status: string; category: string | null; receivedAt: string; ageDays: number };

export type DepartmentDashboard = {
  siteId: string;
  department: string | null;
  asOf: string;
  timeZone: string;
  open: number;
  dueToday: { total: number } & Record<DashboardStage, number>;
  overdue: { total: number } & Record<DashboardStage, number>;
  byCategory: Record<string, number>;
  byStatus: Record<string, number>;
  oldestOpen: DashboardCase[];
  callbackBacklog: { total: number; overdue: number; dueToday: number; oldest: (DashboardCase & { resolvedAt: string | null })[] };
};

type CaseRow = { id: string; number: string; title: string; status: string; category: string | null; received_at: Date; resolved_at: Date | null };

const camel = (stage: DashboardStage) => stage.toLowerCase();

/**
 * The department dashboard (GET /api/dashboards/department): four queries over
 * `reporting.dashboard_case`, whatever the number of complaints. The rules are in
 * department-dashboard.rules.ts.
 */
export const queryDepartmentDashboard = async (
  dataSource: DataSource,
  params: { siteId: string; department?: string; now: Date; timeZone: string },
): Promise<DepartmentDashboard> => {
  const { siteId, now, timeZone } = params;
  const department = params.department ?? null;
  const { to: endOfDay } = restOfSiteDay(now, timeZone);
  const scope = `site_id = $1 AND ($2::text IS NULL OR department = $2)`;
  const open = `status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;
  const stageAggregates = DASHBOARD_STAGES.flatMap((stage) => [
    `count(*) FILTER (WHERE ${STAGE_COLUMN[stage]} <= $3) AS overdue_${camel(stage)}`,
    `count(*) FILTER (WHERE ${STAGE_COLUMN[stage]} > $3 AND ${STAGE_COLUMN[stage]} <= $4) AS today_${camel(stage)}`,
  ]);
  const least = `LEAST(${DASHBOARD_STAGES.map((s) => STAGE_COLUMN[s]).join(', ')})`;
  const anyToday = DASHBOARD_STAGES.map((s) => `(${STAGE_COLUMN[s]} > $3 AND ${STAGE_COLUMN[s]} <= $4)`).join(' OR ');
  const [totals] = (await dataSource.query(
    `SELECT count(*) FILTER (WHERE ${open}) AS open,
            count(*) FILTER (WHERE ${least} <= $3) AS overdue_total,
            count(*) FILTER (WHERE ${anyToday}) AS today_total,
            count(*) FILTER (WHERE status = 'resolved') AS backlog,
            count(*) FILTER (WHERE status = 'resolved' AND due_callback <= $3) AS backlog_overdue,
            count(*) FILTER (WHERE status = 'resolved' AND due_callback > $3 AND due_callback <= $4) AS backlog_today,
            ${stageAggregates.join(',\n            ')}
       FROM reporting.dashboard_case WHERE ${scope}`,
    [siteId, department, now, new Date(endOfDay)],
  )) as Record<string, string>[];
  const n = (key: string): number => Number(totals[key] ?? 0);

  const grouped = (await dataSource.query(
    `SELECT 'status' AS dimension, status AS key, count(*)::int AS n FROM reporting.dashboard_case WHERE ${scope} GROUP BY status
     UNION ALL
     SELECT 'category', coalesce(category, 'untriaged'), count(*)::int FROM reporting.dashboard_case WHERE ${scope} AND ${open} GROUP BY coalesce(category, 'untriaged')`,
    [siteId, department],
  )) as { dimension: string; key: string; n: number }[];
  const byStatus: Record<string, number> = Object.fromEntries(COMPLAINT_STATUSES.map((s) => [s, 0]));
  const byCategory: Record<string, number> = {};
  for (const g of grouped) (g.dimension === 'status' ? byStatus : byCategory)[g.key] = g.n;

  const present = (r: CaseRow): DashboardCase => ({
    id: r.id,
    number: r.number,
    title: r.title,
    status: r.status,
    category: r.category,
    receivedAt: r.received_at.toISOString(),
    ageDays: ageInDays(r.received_at, now),
  });
  const oldestOpen = (await dataSource.query(
    `SELECT id, number, title, status, category, received_at, resolved_at FROM reporting.dashboard_case
      WHERE ${scope} AND ${open} ORDER BY received_at, id LIMIT ${OLDEST_LISTED}`,
    [siteId, department],
  )) as CaseRow[];
  const oldestBacklog = (await dataSource.query(
    `SELECT id, number, title, status, category, received_at, resolved_at FROM reporting.dashboard_case
      WHERE ${scope} AND status = 'resolved' ORDER BY resolved_at NULLS FIRST, id LIMIT ${OLDEST_LISTED}`,
    [siteId, department],
  )) as CaseRow[];

  const perStage = (prefix: string) => Object.fromEntries(DASHBOARD_STAGES.map((s) => [s, n(`${prefix}_${camel(s)}`)])) as Record<DashboardStage, number>;
  return {
    siteId,
    department,
    asOf: now.toISOString(),
    timeZone,
    open: n('open'),
    dueToday: { total: n('today_total'), ...perStage('today') },
    overdue: { total: n('overdue_total'), ...perStage('overdue') },
    byCategory,
    byStatus,
    oldestOpen: oldestOpen.map(present),
    callbackBacklog: {
      total: n('backlog'),
      overdue: n('backlog_overdue'),
      dueToday: n('backlog_today'),
      oldest: oldestBacklog.map((r) => ({ ...present(r), resolvedAt: r.resolved_at?.toISOString() ?? null })),
    },
  };
};
