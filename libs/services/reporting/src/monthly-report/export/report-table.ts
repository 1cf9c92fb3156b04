import { hasLabel, labelOf, reportText, type LabelGroup, type Lang } from '../report-labels';
import { TIMED_STAGES } from '../monthly-report.rules';
import type { MonthlyPack } from '../monthly-report.query';

/**
 * The monthly pack as one flat table — what the CSV holds and what the XLSX sheets are cut
 * from. One row per figure: `section` says which figure, `key` is the docs/api.md key, `label`
 * its name in the export's language (zh-CN by default, or English: `?lang=`); `value` is the
 * count, `base` what it is counted against and `rate` value ÷ base where the figure is a rate
 * or share. Every text comes from the shared message catalogue (@complaints/contracts).
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

/** The section's name in `lang` (zh-CN by default). */
export const sectionLabel = (section: ReportSection, lang: Lang = 'zh'): string => reportText(lang)(`report.section.${section}`);

export const scopeKey = (pack: MonthlyPack): string => `${pack.scope.level}:${pack.scope.id}`;

export const scopeName = (pack: MonthlyPack, lang: Lang = 'zh'): string => reportText(lang)('report.scopeName', { scope: pack.scope.level, name: pack.scope.name ?? pack.scope.id });

/** The packs of a report in reading order: the report's own scope, then its regions, then its sites. */
export const packsOf = (pack: MonthlyPack): MonthlyPack[] => [pack, ...(pack.regions ?? []), ...(pack.sites ?? [])];

/** A code's label in `lang`; a site's own code keeps the label the pack gives it. */
const labelIn = (lang: Lang, group: LabelGroup, item: { key: string; label: string }): string => (hasLabel(group, item.key) ? labelOf(group, item.key, lang) : item.label);

export const rowsOfPack = (pack: MonthlyPack, lang: Lang = 'zh'): ReportRow[] => {
  const tr = reportText(lang);
  const scope = scopeKey(pack);
  const name = scopeName(pack, lang);
  const rows: ReportRow[] = [];
  const add = (section: ReportSection, key: string, label: string, value: number | null, base: number | null = null, rate: number | null = null, note = '') =>
    rows.push({ scope, scopeName: name, section, key, label, value, base, rate, note });

  add('totals', 'received', tr('report.row.received'), pack.totals.received);
  add('totals', 'closed', tr('report.row.closed'), pack.totals.closed);
  add('totals', 'openAtMonthEnd', tr('report.row.openAtMonthEnd'), pack.totals.openAtMonthEnd);
  for (const [section, group, list] of [
    ['byCategory', 'category', pack.byCategory],
    ['byNature', 'nature', pack.byNature],
    ['byChannel', 'channel', pack.byChannel],
    ['byDepartment', 'department', pack.byDepartment],
  ] as const) {
    for (const item of list) add(section, item.key, labelIn(lang, group, item), item.count, pack.totals.received, pack.totals.received ? round(item.count / pack.totals.received) : null);
  }
  for (const stage of TIMED_STAGES) {
    const s = pack.onTime[stage];
    add('onTime', stage, labelIn(lang, 'stage', { key: stage, label: s.label }), s.onTime, s.measured, s.rate, tr('report.note.onTime', { late: s.late, notYetDue: s.notYetDue }));
  }
  const c = pack.callback;
  const verdict = tr(c.meetsTarget ? 'report.note.met' : 'report.note.notMet');
  add('callback', 'callback', tr('report.row.callbackRate'), c.done, c.callable, c.rate, tr('report.note.callback', { resolved: c.resolved, exempt: c.exempt, pending: c.pending, target: Math.round(c.target * 100), verdict }));
  const sat = pack.satisfaction;
  for (const score of ['1', '2', '3', '4', '5'] as const) {
    const n = sat.distribution[score];
    add('satisfaction', score, tr('report.row.satisfaction', { score, label: labelOf('satisfaction', score, lang) }), n, sat.responses, sat.responses ? round(n / sat.responses) : null);
  }
  add('satisfaction', 'satisfied', tr('report.row.satisfied'), sat.satisfied, sat.responses, sat.satisfiedRate, sat.average === null ? '' : tr('report.note.average', { average: sat.average }));
  for (const item of pack.major.items) add('major', item.number, item.title, 1, null, null, item.siteId);
  for (const item of pack.repeat.items) add('repeat', item.number, item.title, 1, null, null, item.siteId);
  for (const item of pack.reopened.items) add('reopened', item.number, item.title, 1, null, null, item.siteId);
  for (const item of pack.topIssues.categories) add('topCategories', item.key, labelIn(lang, 'category', item), item.count, pack.totals.received, item.share);
  for (const item of pack.topIssues.keywords) add('keywords', item.keyword, item.keyword, item.complaints);
  for (const q of pack.callbackQuotas) {
    add('callbackQuota', q.actorId, tr('report.row.quota', { name: q.name ?? q.actorId, role: q.role }), q.callbacks, q.required, null, q.met ? tr('report.note.met') : tr('report.note.missing', { missing: q.missing }));
  }
  return rows;
};

export const reportRows = (pack: MonthlyPack, lang: Lang = 'zh'): ReportRow[] => packsOf(pack).flatMap((p) => rowsOfPack(p, lang));

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** 0.8333 → "83.33%"; null → "—". */
export const percent = (rate: number | null): string => (rate === null ? '—' : `${(Math.round(rate * 10_000) / 100).toFixed(2).replace(/\.?0+$/, '')}%`);

/** "2025-03" → "2025年3月" (zh-CN) or "3/2025" (English). */
export const monthLabel = (month: string, lang: Lang = 'zh'): string => reportText(lang)('report.month', { year: month.slice(0, 4), monthNumber: Number(month.slice(5, 7)) });
