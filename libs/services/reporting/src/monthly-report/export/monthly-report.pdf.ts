import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { toLocalDateTime } from '@complaints/domain';
import { labelOf } from '../report-labels';
import { TIMED_STAGES } from '../monthly-report.rules';
import type { MonthlyPack } from '../monthly-report.query';
import { SCOPE_LABELS, monthLabel, percent, scopeName } from './report-table';

/**
 * The CJK font: Noto Sans SC Regular (SIL Open Font License) from the
 * `@expo-google-fonts/noto-sans-sc` package the project installs — a TrueType (glyf) font,
 * which pdfkit subsets on embedding, so a report carries only the glyphs it uses (tens of
 * kilobytes) instead of the whole 10 MB font. One weight: headings are set larger, not bold.
 */
const FONT_FILE = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';
export const CJK_FONT_NAME = 'NotoSansSC-Regular';

let fontCache: Buffer | undefined;
export const cjkFont = (): Buffer => {
  fontCache ??= readFileSync(require.resolve(FONT_FILE));
  return fontCache;
};

type Doc = InstanceType<typeof PDFDocument>;

const two = (n: number): string => String(n).padStart(2, '0');

/** "2025-04-03 10:00" in the site's zone (roll-ups span zones: UTC, marked so). */
const stamp = (iso: string, timeZone?: string): string => {
  const t = toLocalDateTime(Date.parse(iso), timeZone ?? 'UTC');
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}${timeZone ? '' : ' UTC'}`;
};

const MARGIN = 50;
const ACCENT = '#1f4e79';
const RULE = '#c8d3e0';

type TableColumn = { header: string; width: number; align?: 'left' | 'right' | 'center' };

/** A plain table that breaks across pages, repeating its header. */
const table = (doc: Doc, columns: TableColumn[], rows: (string | number)[][]): void => {
  const rowHeight = 18;
  const totalWidth = columns.reduce((a, c) => a + c.width, 0);
  const drawRow = (cells: (string | number)[], header: boolean) => {
    if (doc.y + rowHeight > doc.page.height - MARGIN) doc.addPage();
    const top = doc.y;
    if (header) doc.rect(MARGIN, top, totalWidth, rowHeight).fill('#e8eef6');
    let x = MARGIN;
    doc.fillColor(header ? ACCENT : '#222222').fontSize(9);
    cells.forEach((value, i) => {
      const column = columns[i];
      doc.text(String(value), x + 4, top + 4, { width: column.width - 8, align: column.align ?? 'left', lineBreak: false, ellipsis: true });
      x += column.width;
    });
    doc
      .moveTo(MARGIN, top + rowHeight)
      .lineTo(MARGIN + totalWidth, top + rowHeight)
      .strokeColor(RULE)
      .lineWidth(0.5)
      .stroke();
    doc.x = MARGIN;
    doc.y = top + rowHeight;
  };
  drawRow(
    columns.map((c) => c.header),
    true,
  );
  for (const row of rows) {
    if (doc.y + rowHeight > doc.page.height - MARGIN) {
      doc.addPage();
      drawRow(
        columns.map((c) => c.header),
        true,
      );
    }
    drawRow(row, false);
  }
  doc.moveDown(0.8);
};

const heading = (doc: Doc, text: string): void => {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
  doc.moveDown(0.4).fillColor(ACCENT).fontSize(13).text(text, MARGIN, doc.y);
  doc.moveDown(0.3);
};

const paragraph = (doc: Doc, text: string): void => {
  doc.fillColor('#222222').fontSize(10).text(text, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.4);
};

const countTable = (doc: Doc, title: string, items: { label: string; key: string; count: number }[], received: number): void => {
  table(
    doc,
    [
      { header: title, width: 200 },
      { header: '数量', width: 80, align: 'right' },
      { header: '占比', width: 80, align: 'right' },
    ],
    items.length ? items.map((i) => [i.label, i.count, percent(received ? i.count / received : null)]) : [['（无）', 0, '—']],
  );
};

const summarySection = (doc: Doc, pack: MonthlyPack): void => {
  heading(doc, '一、总体情况');
  table(
    doc,
    [
      { header: '本月受理', width: 82, align: 'right' },
      { header: '本月关闭', width: 82, align: 'right' },
      { header: '月末未结', width: 82, align: 'right' },
      { header: '回访率', width: 82, align: 'right' },
      { header: '满意率', width: 82, align: 'right' },
      { header: '重大投诉', width: 85, align: 'right' },
    ],
    [[pack.totals.received, pack.totals.closed, pack.totals.openAtMonthEnd, percent(pack.callback.rate), percent(pack.satisfaction.satisfiedRate), pack.major.count]],
  );
};

const fullPack = (doc: Doc, pack: MonthlyPack): void => {
  summarySection(doc, pack);
  heading(doc, '二、分类统计');
  countTable(doc, '投诉类别', pack.byCategory, pack.totals.received);
  countTable(doc, '投诉性质', pack.byNature, pack.totals.received);
  countTable(doc, '投诉渠道', pack.byChannel, pack.totals.received);
  countTable(doc, '责任部门', pack.byDepartment, pack.totals.received);

  heading(doc, '三、各环节及时率');
  paragraph(doc, '按本月到期的环节统计：及时 = 在当时有效的期限内完成；已过期仍未完成或期限撤销前已超时的计为超时；尚未到期的不计入。');
  table(
    doc,
    [
      { header: '环节', width: 110 },
      { header: '应完成', width: 70, align: 'right' },
      { header: '及时', width: 70, align: 'right' },
      { header: '超时', width: 70, align: 'right' },
      { header: '及时率', width: 85, align: 'right' },
      { header: '未到期', width: 90, align: 'right' },
    ],
    TIMED_STAGES.map((s) => {
      const f = pack.onTime[s];
      return [f.label, f.measured, f.onTime, f.late, percent(f.rate), f.notYetDue];
    }),
  );

  heading(doc, '四、回访与满意度');
  const c = pack.callback;
  paragraph(
    doc,
    `本月处理完成 ${c.resolved} 件，免回访 ${c.exempt} 件，应回访 ${c.callable} 件，已回访 ${c.done} 件，待回访 ${c.pending} 件；` +
      `回访率 ${percent(c.rate)}（目标 ${percent(c.target)}，${c.meetsTarget ? '达标' : '未达标'}）。`,
  );
  const sat = pack.satisfaction;
  table(
    doc,
    [
      { header: '满意度', width: 160 },
      { header: '回访数', width: 80, align: 'right' },
      { header: '占比', width: 80, align: 'right' },
    ],
    [
      ...(['1', '2', '3', '4', '5'] as const).map((s) => [`${s} ${labelOf('satisfaction', s)}`, sat.distribution[s], percent(sat.responses ? sat.distribution[s] / sat.responses : null)]),
      ['满意（1–3）合计', sat.satisfied, percent(sat.satisfiedRate)],
    ],
  );
  if (pack.callbackQuotas.length) {
    table(
      doc,
      [
        { header: '经理', width: 150 },
        { header: '岗位', width: 110 },
        { header: '本月回访', width: 70, align: 'right' },
        { header: '要求', width: 60, align: 'right' },
        { header: '结论', width: 105 },
      ],
      pack.callbackQuotas.map((q) => [q.name ?? q.actorId, labelOf('role', q.role), q.callbacks, q.required, q.met ? '达标' : `未达标（缺 ${q.missing}）`]),
    );
  }

  heading(doc, '五、重大、重复与重开投诉');
  const list = (title: string, items: { number: string; title: string }[], extra = '') => {
    paragraph(doc, `${title}：${items.length} 件${extra}`);
    if (items.length)
      table(
        doc,
        [
          { header: '编号', width: 150 },
          { header: '标题', width: 345 },
        ],
        items.map((i) => [i.number, i.title]),
      );
  };
  list('重大投诉', pack.major.items);
  list('重复投诉', pack.repeat.items);
  list('重开投诉', pack.reopened.items, `（重开 ${pack.reopened.events} 次）`);

  heading(doc, '六、热点问题');
  table(
    doc,
    [
      { header: '热点类别', width: 200 },
      { header: '数量', width: 80, align: 'right' },
      { header: '占比', width: 80, align: 'right' },
    ],
    pack.topIssues.categories.length ? pack.topIssues.categories.map((i) => [i.label, i.count, percent(i.share)]) : [['（无）', 0, '—']],
  );
  paragraph(doc, `高频关键词：${pack.topIssues.keywords.length ? pack.topIssues.keywords.map((k) => `${k.keyword}（${k.complaints}）`).join('、') : '无'}`);
};

const overviewTable = (doc: Doc, title: string, packs: MonthlyPack[]): void => {
  heading(doc, title);
  table(
    doc,
    [
      { header: '范围', width: 130 },
      { header: '受理', width: 50, align: 'right' },
      { header: '关闭', width: 50, align: 'right' },
      { header: '一次答复及时率', width: 90, align: 'right' },
      { header: '处理及时率', width: 70, align: 'right' },
      { header: '回访率', width: 55, align: 'right' },
      { header: '满意率', width: 50, align: 'right' },
    ],
    packs.map((p) => [scopeName(p), p.totals.received, p.totals.closed, percent(p.onTime.firstReply.rate), percent(p.onTime.resolve.rate), percent(p.callback.rate), percent(p.satisfaction.satisfiedRate)]),
  );
};

/**
 * The pack as a printable A4 report (月度统计报告) with the Chinese text set in the
 * embedded CJK font. A group or region report adds an overview line per region and site.
 */
export const monthlyReportPdf = (pack: MonthlyPack): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `客户投诉月度统计报告 ${pack.month}`, Author: 'complaints reporting' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont(CJK_FONT_NAME, cjkFont());
    doc.font(CJK_FONT_NAME);

    doc.fillColor(ACCENT).fontSize(20).text('客户投诉月度统计报告', { align: 'center' });
    doc.moveDown(0.3);
    const scope = `${SCOPE_LABELS[pack.scope.level]}：${pack.scope.name ?? pack.scope.id}${pack.scope.name ? `（${pack.scope.id}）` : ''}`;
    const zone = pack.scope.timeZone ? ` · 时区 ${pack.scope.timeZone}` : '';
    doc.fillColor('#444444').fontSize(11).text(`${scope} · 统计月份：${monthLabel(pack.month)}${zone}`, { align: 'center' });
    doc.fontSize(9).text(`统计截至 ${stamp(pack.asOf, pack.scope.timeZone)} · 生成于 ${stamp(pack.generatedAt, pack.scope.timeZone)}`, { align: 'center' });
    doc.moveDown(0.8);

    fullPack(doc, pack);
    if (pack.regions?.length) overviewTable(doc, '七、各区域概览', pack.regions);
    if (pack.sites?.length) overviewTable(doc, pack.regions?.length ? '八、各站点概览' : '七、各站点概览', pack.sites);
    doc.end();
  });
