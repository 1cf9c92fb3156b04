import ExcelJS from 'exceljs';
import { labelOf, reportText, type Lang } from '../report-labels';
import { TIMED_STAGES } from '../monthly-report.rules';
import type { MonthlyPack } from '../monthly-report.query';
import { monthLabel, packsOf, reportRows, scopeName, sectionLabel, type ReportSection } from './report-table';

type Column = { header: string; key: string; width: number; percent?: boolean };

const addSheet = (workbook: ExcelJS.Workbook, name: string, columns: Column[], rows: Record<string, unknown>[]): void => {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width, ...(c.percent ? { style: { numFmt: '0.00%' } } : {}) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
};

const sectionRows = (pack: MonthlyPack, sections: ReportSection[], lang: Lang) =>
  reportRows(pack, lang)
    .filter((r) => sections.includes(r.section))
    .map((r) => ({ scope: r.scopeName, section: sectionLabel(r.section, lang), key: r.key, label: r.label, value: r.value, base: r.base, rate: r.rate, note: r.note }));

const figureColumns = (lang: Lang): Column[] => {
  const tr = reportText(lang);
  return [
    { header: tr('report.column.scope'), key: 'scope', width: 22 },
    { header: tr('report.column.section'), key: 'section', width: 14 },
    { header: tr('report.column.key'), key: 'key', width: 20 },
    { header: tr('report.column.label'), key: 'label', width: 30 },
    { header: tr('report.column.value'), key: 'value', width: 10 },
    { header: tr('report.column.base'), key: 'base', width: 10 },
    { header: tr('report.column.rate'), key: 'rate', width: 10, percent: true },
    { header: tr('report.column.note'), key: 'note', width: 40 },
  ];
};

/**
 * The pack as an Excel workbook: an overview (one line per site / region / group), then
 * one sheet per group of figures. Rates are numbers formatted as percentages, so they can
 * be summed and charted.
 */
export const monthlyReportXlsx = async (pack: MonthlyPack, lang: Lang = 'zh'): Promise<Buffer> => {
  const tr = reportText(lang);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'complaints reporting';
  workbook.title = tr('report.title', { month: monthLabel(pack.month, lang) });
  const overviewColumns: Column[] = [
    { header: tr('report.column.scope'), key: 'scope', width: 24 },
    { header: tr('report.column.monthOf'), key: 'month', width: 10 },
    { header: tr('report.row.received'), key: 'received', width: 10 },
    { header: tr('report.row.closed'), key: 'closed', width: 10 },
    { header: tr('report.row.openAtMonthEnd'), key: 'open', width: 10 },
    ...TIMED_STAGES.map((s) => ({ header: tr('report.column.onTimeOf', { stage: labelOf('stage', s, lang) }), key: s, width: 14, percent: true })),
    { header: tr('report.row.callbackRate'), key: 'callbackRate', width: 10, percent: true },
    { header: tr('report.row.satisfiedRate'), key: 'satisfiedRate', width: 10, percent: true },
    { header: tr('report.section.major'), key: 'major', width: 10 },
    { header: tr('report.section.repeat'), key: 'repeat', width: 10 },
    { header: tr('report.section.reopened'), key: 'reopened', width: 10 },
  ];
  const figures = figureColumns(lang);
  addSheet(
    workbook,
    tr('report.sheet.overview'),
    overviewColumns,
    packsOf(pack).map((p) => ({
      scope: scopeName(p, lang),
      month: p.month,
      received: p.totals.received,
      closed: p.totals.closed,
      open: p.totals.openAtMonthEnd,
      ...Object.fromEntries(TIMED_STAGES.map((s) => [s, p.onTime[s].rate])),
      callbackRate: p.callback.rate,
      satisfiedRate: p.satisfaction.satisfiedRate,
      major: p.major.count,
      repeat: p.repeat.count,
      reopened: p.reopened.count,
    })),
  );
  addSheet(workbook, tr('report.sheet.counts'), figures, sectionRows(pack, ['totals', 'byCategory', 'byNature', 'byChannel', 'byDepartment'], lang));
  addSheet(workbook, tr('report.sheet.onTime'), figures, sectionRows(pack, ['onTime'], lang));
  addSheet(workbook, tr('report.sheet.callback'), figures, sectionRows(pack, ['callback', 'satisfaction', 'callbackQuota'], lang));
  addSheet(workbook, tr('report.sheet.lists'), figures, sectionRows(pack, ['major', 'repeat', 'reopened'], lang));
  addSheet(workbook, tr('report.sheet.topIssues'), figures, sectionRows(pack, ['topCategories', 'keywords'], lang));
  return Buffer.from(await workbook.xlsx.writeBuffer());
};
