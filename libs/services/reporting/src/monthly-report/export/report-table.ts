import { labelOf } from '../report-labels';
import { TIMED_STAGES } from '../monthly-report.rules';
import type { MonthlyPack } from '../monthly-report.query';

/**
 * The monthly pack as one flat table — what the CSV holds and what the XLSX sheets are cut
 * from. One row per figure: `section` says which figure, `key` is the docs/api.md key, `label`
 * its Chinese name; `value` is the count, `base` what it is counted against and `rate`
 * value ÷ base where the figure is a rate or share.
 */
export type ReportRow = {
  scope: string;
  scopeName: string;
  section: ReportSection;
  key: string;
  label: string;
  value: number | null;
  base: number | null;
  rate: number | null;
  note: string;
};

export type ReportSection =
  | 'totals'
  | 'byCategory'
  | 'byNature'
  | 'byChannel'
  | 'byDepartment'
  | 'onTime'
  | 'callback'
  | 'satisfaction'
  | 'major'
  | 'repeat'
  | 'reopened'
  | 'topCategories'
  | 'keywords'
  | 'callbackQuota';

export const SECTION_LABELS: Record<ReportSection, string> = {
  totals: '总体情况',
  byCategory: '按类别',
  byNature: '按性质',
  byChannel: '按渠道',
  byDepartment: '按责任部门',
  onTime: '及时率',
  callback: '回访率',
  satisfaction: '满意度分布',
  major: '重大投诉',
  repeat: '重复投诉',
  reopened: '重开投诉',
  topCategories: '热点类别',
  keywords: '高频关键词',
  callbackQuota: '经理回访指标',
};

export const SCOPE_LABELS = { site: '站点', region: '区域', group: '集团' } as const;

export const scopeKey = (pack: MonthlyPack): string => `${pack.scope.level}:${pack.scope.id}`;

export const scopeName = (pack: MonthlyPack): string => `${SCOPE_LABELS[pack.scope.level]} ${pack.scope.name ?? pack.scope.id}`;

/** The packs of a report in reading order: the report's own scope, then its regions, then its sites. */
export const packsOf = (pack: MonthlyPack): MonthlyPack[] => [pack, ...(pack.regions ?? []), ...(pack.sites ?? [])];

export const rowsOfPack = (pack: MonthlyPack): ReportRow[] => {
  const scope = scopeKey(pack);
  const name = scopeName(pack);
  const rows: ReportRow[] = [];
  const add = (section: ReportSection, key: string, label: string, value: number | null, base: number | null = null, rate: number | null = null, note = '') =>
    rows.push({ scope, scopeName: name, section, key, label, value, base, rate, note });

  add('totals', 'received', '本月受理', pack.totals.received);
  add('totals', 'closed', '本月关闭', pack.totals.closed);
  add('totals', 'openAtMonthEnd', '月末未结', pack.totals.openAtMonthEnd);
  for (const [section, list] of [
    ['byCategory', pack.byCategory],
    ['byNature', pack.byNature],
    ['byChannel', pack.byChannel],
    ['byDepartment', pack.byDepartment],
  ] as const) {
    for (const item of list) add(section, item.key, item.label, item.count, pack.totals.received, pack.totals.received ? round(item.count / pack.totals.received) : null);
  }
  for (const stage of TIMED_STAGES) {
    const s = pack.onTime[stage];
    add('onTime', stage, s.label, s.onTime, s.measured, s.rate, `超时 ${s.late}，未到期 ${s.notYetDue}`);
  }
  const c = pack.callback;
  add('callback', 'callback', '回访率', c.done, c.callable, c.rate, `处理完成 ${c.resolved}，免回访 ${c.exempt}，待回访 ${c.pending}，目标 ${Math.round(c.target * 100)}%${c.meetsTarget ? '，达标' : '，未达标'}`);
  const sat = pack.satisfaction;
  for (const score of ['1', '2', '3', '4', '5'] as const) {
    const n = sat.distribution[score];
    add('satisfaction', score, `${score} ${labelOf('satisfaction', score)}`, n, sat.responses, sat.responses ? round(n / sat.responses) : null);
  }
  add('satisfaction', 'satisfied', '满意（1–3）', sat.satisfied, sat.responses, sat.satisfiedRate, sat.average === null ? '' : `平均 ${sat.average}`);
  for (const item of pack.major.items) add('major', item.number, item.title, 1, null, null, item.siteId);
  for (const item of pack.repeat.items) add('repeat', item.number, item.title, 1, null, null, item.siteId);
  for (const item of pack.reopened.items) add('reopened', item.number, item.title, 1, null, null, item.siteId);
  for (const item of pack.topIssues.categories) add('topCategories', item.key, item.label, item.count, pack.totals.received, item.share);
  for (const item of pack.topIssues.keywords) add('keywords', item.keyword, item.keyword, item.complaints);
  for (const q of pack.callbackQuotas) {
    add('callbackQuota', q.actorId, `${q.name ?? q.actorId}（${labelOf('role', q.role)}）`, q.callbacks, q.required, null, q.met ? '达标' : `未达标，缺 ${q.missing}`);
  }
  return rows;
};

export const reportRows = (pack: MonthlyPack): ReportRow[] => packsOf(pack).flatMap(rowsOfPack);

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** 0.8333 → "83.33%"; null → "—". */
export const percent = (rate: number | null): string => (rate === null ? '—' : `${(Math.round(rate * 10_000) / 100).toFixed(2).replace(/\.?0+$/, '')}%`);

/** "2025-03" → "2025年3月". */
export const monthLabel = (month: string): string => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
