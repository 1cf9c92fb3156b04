import type { DataSource } from 'typeorm';
import { addDaysToLocalDate, monthlyReportDueDate, startOfLocalDate, type ComplaintPolicy } from '@complaints/domain';
import { labelOf, type LabelGroup } from './report-labels';
import {
  countSiteMonth,
  presentFigures,
  rollUpCounts,
  type MonthFact,
  type MonthlyCounts,
  type MonthlyFigures,
  type Person,
  type ReceivedComplaint,
  type ReportFact,
  type TimedStage,
} from './monthly-report.rules';

export type MonthWindow = { month: string; timeZone: string; from: Date; to: Date };

/** The site-local month [first day 00:00, first day of the next month 00:00) as instants. */
export const monthWindow = (month: string, timeZone: string): MonthWindow => {
  const first = `${month}-01`;
  const next = addDaysToLocalDate(first, 40).slice(0, 7) + '-01';
  return { month, timeZone, from: new Date(startOfLocalDate(first, timeZone)), to: new Date(startOfLocalDate(next, timeZone)) };
};

export type SiteInfo = { id: string; name?: string; regionId?: string; timeZone: string; policy: ComplaintPolicy; staff: Person[] };

export type Labelled = { key: string; label: string; count: number };

export type MonthlyPack = {
  scope: { level: 'site' | 'region' | 'group'; id: string; name: string | null; regionId?: string | null; timeZone?: string; sites: string[] };
  month: string;
  /** The site's month as instants (site scope only: roll-ups span several zones). */
  period?: { from: string; to: string };
  /** The site-local date the report is due (site scope only): the policy's reporting.monthlyReportDueDay of the next month. */
  dueBy?: string;
  asOf: string;
  generatedAt: string;
  totals: MonthlyFigures['totals'];
  byCategory: Labelled[];
  byNature: Labelled[];
  byChannel: Labelled[];
  byDepartment: Labelled[];
  onTime: Record<TimedStage, MonthlyFigures['onTime'][TimedStage] & { label: string }>;
  callback: MonthlyFigures['callback'];
  satisfaction: MonthlyFigures['satisfaction'];
  major: MonthlyFigures['major'];
  repeat: MonthlyFigures['repeat'];
  reopened: MonthlyFigures['reopened'];
  topIssues: { categories: (Labelled & { share: number })[]; keywords: MonthlyFigures['topIssues']['keywords'] };
  callbackQuotas: MonthlyFigures['callbackQuotas'];
  regions?: MonthlyPack[];
  sites?: MonthlyPack[];
};

type ReceivedRow = ReceivedComplaint;
type FactRow = {
  complaint_id: string;
  number: string;
  title: string;
  kind: ReportFact['kind'];
  stage: TimedStage | null;
  at: string;
  started_at: string | null;
  due_at: string | null;
  ended_at: string | null;
  outcome: string | null;
  breached: boolean | null;
  actor_id: string | null;
  actor_role: string | null;
  actor_name: string | null;
  method: string | null;
  reached: boolean | null;
  satisfaction: number | null;
};

/** An instant as the ISO text JavaScript writes (so no Date is built per fact, in SQL or here). */
const isoText = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const toMonthFact = (r: FactRow): MonthFact => {
  const owner = { complaintId: r.complaint_id, number: r.number, title: r.title };
  const actor = { id: r.actor_id ?? 'unknown', role: r.actor_role ?? 'unknown', ...(r.actor_name ? { name: r.actor_name } : {}) };
  switch (r.kind) {
    case 'stage':
      return {
        ...owner,
        kind: 'stage',
        stage: r.stage as TimedStage,
        startedAt: r.started_at as string,
        dueAt: r.due_at as string,
        endedAt: r.ended_at,
        outcome: r.outcome as 'pending' | 'done' | 'withdrawn',
        breached: r.breached === true,
      };
    case 'callback_round':
      return { ...owner, kind: 'callback_round', startedAt: r.started_at as string, endedAt: r.ended_at, outcome: r.outcome as 'pending' | 'done' | 'exempt', satisfaction: r.satisfaction };
    case 'callback':
      return { ...owner, kind: 'callback', at: r.at, actor, method: r.method ?? 'other', reached: r.reached === true, satisfaction: r.satisfaction };
    default:
      return { ...owner, kind: r.kind, at: r.at, actor };
  }
};

/** Reads one site's month from the monthly-report projection and counts it (three queries). */
export const countSite = async (dataSource: DataSource, site: SiteInfo, month: string, asOf: Date): Promise<{ counts: MonthlyCounts; window: MonthWindow }> => {
  const window = monthWindow(month, site.timeZone);
  const params = [site.id, window.from, window.to];
  const received = (await dataSource.query(
    `SELECT id, number, title, description, channel, category, nature, department, major, repeat
       FROM reporting.report_complaint WHERE site_id = $1 AND received_at >= $2 AND received_at < $3`,
    params,
  )) as ReceivedRow[];
  const [{ open }] = (await dataSource.query(
    `SELECT count(*)::int AS open FROM reporting.report_complaint
      WHERE site_id = $1 AND received_at < $2 AND (closed_at IS NULL OR closed_at >= $2)`,
    [site.id, window.to],
  )) as { open: number }[];
  const facts = (await dataSource.query(
    `SELECT f.complaint_id, c.number, c.title, f.kind, f.stage, ${isoText('f.at')} AS at, ${isoText('f.started_at')} AS started_at,
            ${isoText('f.due_at')} AS due_at, ${isoText('f.ended_at')} AS ended_at, f.outcome, f.breached,
            f.actor_id, f.actor_role, f.actor_name, f.method, f.reached, f.satisfaction
       FROM reporting.report_fact f JOIN reporting.report_complaint c ON c.id = f.complaint_id
      WHERE f.site_id = $1 AND f.at >= $2 AND f.at < $3
      ORDER BY f.at, f.complaint_id, f.ordinal`,
    params,
  )) as FactRow[];
  const counts = countSiteMonth({
    siteId: site.id,
    asOf,
    policy: site.policy,
    received,
    facts: facts.map(toMonthFact),
    openAtMonthEnd: open,
    staff: site.staff,
  });
  return { counts, window };
};

const labelled = (group: LabelGroup, items: { key: string; count: number }[]): Labelled[] => items.map((i) => ({ key: i.key, label: labelOf(group, i.key), count: i.count }));

export const presentPack = (
  counts: MonthlyCounts,
  policy: Pick<ComplaintPolicy, 'callback'> & Partial<Pick<ComplaintPolicy, 'reporting'>>,
  scope: MonthlyPack['scope'],
  month: string,
  asOf: Date,
  generatedAt: Date,
  window?: MonthWindow,
): MonthlyPack => {
  const f = presentFigures(counts, policy);
  return {
    scope,
    month,
    ...(window ? { period: { from: window.from.toISOString(), to: window.to.toISOString() } } : {}),
    ...(window && policy.reporting ? { dueBy: monthlyReportDueDate({ reporting: policy.reporting }, month) } : {}),
    asOf: asOf.toISOString(),
    generatedAt: generatedAt.toISOString(),
    totals: f.totals,
    byCategory: labelled('category', f.byCategory),
    byNature: labelled('nature', f.byNature),
    byChannel: labelled('channel', f.byChannel),
    byDepartment: labelled('department', f.byDepartment),
    onTime: Object.fromEntries(Object.entries(f.onTime).map(([stage, v]) => [stage, { ...v, label: labelOf('stage', stage) }])) as MonthlyPack['onTime'],
    callback: f.callback,
    satisfaction: f.satisfaction,
    major: f.major,
    repeat: f.repeat,
    reopened: f.reopened,
    topIssues: { categories: f.topIssues.categories.map((c) => ({ ...c, label: labelOf('category', c.key) })), keywords: f.topIssues.keywords },
    callbackQuotas: f.callbackQuotas,
  };
};

export type MonthlyReportRequest = {
  month: string;
  asOf: Date;
  generatedAt: Date;
  /** The sites to report: one for a site pack; every site for the group. */
  sites: SiteInfo[];
  level: 'site' | 'region' | 'group';
  regionNames?: Record<string, string | undefined>;
  groupPolicy: ComplaintPolicy;
  scopeId?: string;
};

const siteScope = (site: SiteInfo): MonthlyPack['scope'] => ({ level: 'site', id: site.id, name: site.name ?? null, regionId: site.regionId ?? null, timeZone: site.timeZone, sites: [site.id] });

/**
 * The monthly pack of one site, or of a region / the whole group: each site counted in its
 * own time zone, then summed per region and for the group (rates from the summed counts).
 */
export const buildMonthlyPack = async (dataSource: DataSource, request: MonthlyReportRequest): Promise<MonthlyPack> => {
  const { month, asOf, generatedAt } = request;
  const perSite: { site: SiteInfo; counts: MonthlyCounts; window: MonthWindow }[] = [];
  for (const site of request.sites) perSite.push({ site, ...(await countSite(dataSource, site, month, asOf)) });
  const sitePacks = perSite.map(({ site, counts, window }) => presentPack(counts, site.policy, siteScope(site), month, asOf, generatedAt, window));
  if (request.level === 'site') return sitePacks[0];

  const byRegion = new Map<string, typeof perSite>();
  for (const entry of perSite) {
    const region = entry.site.regionId ?? 'unassigned';
    byRegion.set(region, [...(byRegion.get(region) ?? []), entry]);
  }
  const regionPacks = [...byRegion.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([regionId, entries]) =>
      presentPack(
        rollUpCounts(
          entries.map((e) => e.counts),
          request.groupPolicy,
        ),
        request.groupPolicy,
        { level: 'region', id: regionId, name: request.regionNames?.[regionId] ?? null, sites: entries.map((e) => e.site.id) },
        month,
        asOf,
        generatedAt,
      ),
    );
  if (request.level === 'region') return { ...regionPacks[0], sites: sitePacks };
  const group = presentPack(
    rollUpCounts(
      perSite.map((e) => e.counts),
      request.groupPolicy,
    ),
    request.groupPolicy,
    { level: 'group', id: request.scopeId ?? 'group', name: null, sites: perSite.map((e) => e.site.id) },
    month,
    asOf,
    generatedAt,
  );
  return { ...group, regions: regionPacks, sites: sitePacks };
};

/** Every site that has complaints in the projection (configured sites are added by the caller). */
export const sitesWithComplaints = async (dataSource: DataSource): Promise<string[]> =>
  ((await dataSource.query(`SELECT DISTINCT site_id FROM reporting.report_complaint ORDER BY site_id`)) as { site_id: string }[]).map((r) => r.site_id);
