import ExcelJS from 'exceljs';
import { labelOf } from '../report-labels';
import { TIMED_STAGES } from '../monthly-report.rules';
import type { MonthlyPack } from '../monthly-report.query';
import { SECTION_LABELS, monthLabel, packsOf, reportRows, scopeName, type ReportSection } from './report-table';

type Column = { header: string; key: string; width: number; percent?: boolean };

const addSheet = (workbook: ExcelJS.Workbook, name: string, columns: Column[], rows: Record<string, unknown>[]): void => {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width, ...(c.percent ? { style: { numFmt: '0.00%' } } : {}) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
};

const sectionRows = (pack: MonthlyPack, sections: ReportSection[]) =>
  reportRows(pack)
    .filter((r) => sections.includes(r.section))
    .map((r) => ({ scope: r.scopeName, section: SECTION_LABELS[r.section], key: r.key, label: r.label, value: r.value, base: r.base, rate: r.rate, note: r.note }));

const FIGURE_COLUMNS: Column[] = [
  { header: '范围', key: 'scope', width: 22 },
  { header: '指标', key: 'section', width: 14 },
  { header: '代码', key: 'key', width: 20 },
  { header: '项目', key: 'label', width: 30 },
  { header: '数值', key: 'value', width: 10 },
  { header: '基数', key: 'base', width: 10 },
  { header: '比率', key: 'rate', width: 10, percent: true },
  { header: '说明', key: 'note', width: 40 },
];

/**
 * The pack as an Excel workbook: an overview (one line per site / region / group), then
 * one sheet per group of figures. Rates are numbers formatted as percentages, so they can
 * be summed and charted.
 */
export const monthlyReportXlsx = async (pack: MonthlyPack): Promise<Buffer> => {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'complaints reporting';
  workbook.title = `客户投诉月度统计报告 ${monthLabel(pack.month)}`;
  const overviewColumns: Column[] = [
    { header: '范围', key: 'scope', width: 24 },
    { header: '月份', key: 'month', width: 10 },
    { header: '本月受理', key: 'received', width: 10 },
    { header: '本月关闭', key: 'closed', width: 10 },
    { header: '月末未结', key: 'open', width: 10 },
    ...TIMED_STAGES.map((s) => ({ header: `${labelOf('stage', s)}及时率`, key: s, width: 14, percent: true })),
    { header: '回访率', key: 'callbackRate', width: 10, percent: true },
    { header: '满意率', key: 'satisfiedRate', width: 10, percent: true },
    { header: '重大投诉', key: 'major', width: 10 },
    { header: '重复投诉', key: 'repeat', width: 10 },
    { header: '重开投诉', key: 'reopened', width: 10 },
  ];
  addSheet(
    workbook,
    '概览',
    overviewColumns,
    packsOf(pack).map((p) => ({
      scope: scopeName(p),
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
  addSheet(workbook, '分类统计', FIGURE_COLUMNS, sectionRows(pack, ['totals', 'byCategory', 'byNature', 'byChannel', 'byDepartment']));
  addSheet(workbook, '及时率', FIGURE_COLUMNS, sectionRows(pack, ['onTime']));
  addSheet(workbook, '回访与满意度', FIGURE_COLUMNS, sectionRows(pack, ['callback', 'satisfaction', 'callbackQuota']));
  addSheet(workbook, '重大重复重开', FIGURE_COLUMNS, sectionRows(pack, ['major', 'repeat', 'reopened']));
  addSheet(workbook, '热点问题', FIGURE_COLUMNS, sectionRows(pack, ['topCategories', 'keywords']));
  return Buffer.from(await workbook.xlsx.writeBuffer());
};
