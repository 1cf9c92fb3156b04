import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { toLocalDateTime } from '@complaints/domain';
import { labelOf, reportText, type Lang } from '../report-labels';
import { TIMED_STAGES } from '../monthly-report.rules';
import type { MonthlyPack } from '../monthly-report.query';
import { monthLabel, percent, scopeName } from './report-table';

type Tr = ReturnType<typeof reportText>;

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

type Group = 'category' | 'nature' | 'channel' | 'department';

const countTable = (doc: Doc, tr: Tr, lang: Lang, group: Group, items: { label: string; key: string; count: number }[], received: number): void => {
  // A code the shared catalogue knows is named in the report's language; a site's own code as the pack names it.
  const name = (i: { label: string; key: string }) => (labelOf(group, i.key, lang) !== i.key ? labelOf(group, i.key, lang) : i.label);
  table(
    doc,
    [
      { header: tr(`report.pdf.${group}`), width: 200 },
      { header: tr('report.pdf.count'), width: 80, align: 'right' },
      { header: tr('report.pdf.share'), width: 80, align: 'right' },
    ],
    items.length ? items.map((i) => [name(i), i.count, percent(received ? i.count / received : null)]) : [[tr('report.pdf.none'), 0, '—']],
  );
};

const summarySection = (doc: Doc, tr: Tr, pack: MonthlyPack): void => {
  heading(doc, tr('report.pdf.h.summary'));
  table(
    doc,
    [
      { header: tr('report.row.received'), width: 82, align: 'right' },
      { header: tr('report.row.closed'), width: 82, align: 'right' },
      { header: tr('report.row.openAtMonthEnd'), width: 82, align: 'right' },
      { header: tr('report.row.callbackRate'), width: 82, align: 'right' },
      { header: tr('report.row.satisfiedRate'), width: 82, align: 'right' },
      { header: tr('report.section.major'), width: 85, align: 'right' },
    ],
    [[pack.totals.received, pack.totals.closed, pack.totals.openAtMonthEnd, percent(pack.callback.rate), percent(pack.satisfaction.satisfiedRate), pack.major.count]],
  );
};

const fullPack = (doc: Doc, tr: Tr, lang: Lang, pack: MonthlyPack): void => {
  summarySection(doc, tr, pack);
  heading(doc, tr('report.pdf.h.counts'));
  countTable(doc, tr, lang, 'category', pack.byCategory, pack.totals.received);
  countTable(doc, tr, lang, 'nature', pack.byNature, pack.totals.received);
  countTable(doc, tr, lang, 'channel', pack.byChannel, pack.totals.received);
  countTable(doc, tr, lang, 'department', pack.byDepartment, pack.totals.received);

  heading(doc, tr('report.pdf.h.onTime'));
  paragraph(doc, tr('report.pdf.onTimeNote'));
  table(
    doc,
    [
      { header: tr('report.pdf.stage'), width: 110 },
      { header: tr('report.pdf.measured'), width: 70, align: 'right' },
      { header: tr('report.pdf.onTime'), width: 70, align: 'right' },
      { header: tr('report.pdf.late'), width: 70, align: 'right' },
      { header: tr('report.pdf.rate'), width: 85, align: 'right' },
      { header: tr('report.pdf.notYetDue'), width: 90, align: 'right' },
    ],
    TIMED_STAGES.map((s) => {
      const f = pack.onTime[s];
      return [labelOf('stage', s, lang), f.measured, f.onTime, f.late, percent(f.rate), f.notYetDue];
    }),
  );

  heading(doc, tr('report.pdf.h.callback'));
  const c = pack.callback;
  paragraph(
    doc,
    tr('report.pdf.callbackLine', {
      resolved: c.resolved,
      exempt: c.exempt,
      callable: c.callable,
      done: c.done,
      pending: c.pending,
      rate: percent(c.rate),
      target: percent(c.target),
      verdict: tr(c.meetsTarget ? 'report.note.met' : 'report.note.notMet'),
    }),
  );
  const sat = pack.satisfaction;
  table(
    doc,
    [
      { header: tr('report.pdf.satisfaction'), width: 160 },
      { header: tr('report.pdf.responses'), width: 80, align: 'right' },
      { header: tr('report.pdf.share'), width: 80, align: 'right' },
    ],
    [
      ...(['1', '2', '3', '4', '5'] as const).map((s) => [
        tr('report.row.satisfaction', { score: s, label: labelOf('satisfaction', s, lang) }),
        sat.distribution[s],
        percent(sat.responses ? sat.distribution[s] / sat.responses : null),
      ]),
      [tr('report.pdf.satisfiedTotal'), sat.satisfied, percent(sat.satisfiedRate)],
    ],
  );
  if (pack.callbackQuotas.length) {
    table(
      doc,
      [
        { header: tr('report.pdf.manager'), width: 150 },
        { header: tr('report.pdf.role'), width: 110 },
        { header: tr('report.pdf.callbacks'), width: 70, align: 'right' },
        { header: tr('report.pdf.required'), width: 60, align: 'right' },
        { header: tr('report.pdf.verdict'), width: 105 },
      ],
      pack.callbackQuotas.map((q) => [q.name ?? q.actorId, labelOf('role', q.role, lang), q.callbacks, q.required, q.met ? tr('report.note.met') : tr('report.pdf.missing', { missing: q.missing })]),
    );
  }

  heading(doc, tr('report.pdf.h.lists'));
  const list = (title: string, items: { number: string; title: string }[], extra = '') => {
    paragraph(doc, `${tr('report.pdf.listLine', { title, count: items.length })}${extra}`);
    if (items.length)
      table(
        doc,
        [
          { header: tr('report.pdf.number'), width: 150 },
          { header: tr('report.pdf.complaintTitle'), width: 345 },
        ],
        items.map((i) => [i.number, i.title]),
      );
  };
  list(tr('report.section.major'), pack.major.items);
  list(tr('report.section.repeat'), pack.repeat.items);
  list(tr('report.section.reopened'), pack.reopened.items, tr('report.pdf.reopenedTimes', { events: pack.reopened.events }));

  heading(doc, tr('report.pdf.h.topIssues'));
  table(
    doc,
    [
      { header: tr('report.pdf.topCategory'), width: 200 },
      { header: tr('report.pdf.count'), width: 80, align: 'right' },
      { header: tr('report.pdf.share'), width: 80, align: 'right' },
    ],
    pack.topIssues.categories.length
      ? pack.topIssues.categories.map((i) => [labelOf('category', i.key, lang) !== i.key ? labelOf('category', i.key, lang) : i.label, i.count, percent(i.share)])
      : [[tr('report.pdf.none'), 0, '—']],
  );
  const keywords = pack.topIssues.keywords.map((k) => tr('report.pdf.keyword', { keyword: k.keyword, complaints: k.complaints })).join(lang === 'zh' ? '、' : ', ');
  paragraph(doc, tr('report.pdf.keywords', { keywords: keywords || tr('report.pdf.noneWord') }));
};

const overviewTable = (doc: Doc, tr: Tr, lang: Lang, title: string, packs: MonthlyPack[]): void => {
  heading(doc, title);
  table(
    doc,
    [
      { header: tr('report.column.scope'), width: 130 },
      { header: tr('report.pdf.received'), width: 50, align: 'right' },
      { header: tr('report.pdf.closed'), width: 50, align: 'right' },
      { header: tr('report.pdf.firstReplyRate'), width: 90, align: 'right' },
      { header: tr('report.pdf.resolveRate'), width: 70, align: 'right' },
      { header: tr('report.row.callbackRate'), width: 55, align: 'right' },
      { header: tr('report.row.satisfiedRate'), width: 50, align: 'right' },
    ],
    packs.map((p) => [scopeName(p, lang), p.totals.received, p.totals.closed, percent(p.onTime.firstReply.rate), percent(p.onTime.resolve.rate), percent(p.callback.rate), percent(p.satisfaction.satisfiedRate)]),
  );
};

/**
 * The pack as a printable A4 report (月度统计报告) in `lang` (zh-CN by default, or English),
 * set in the embedded CJK font (which has Latin letters too). A group or region report adds
 * an overview line per region and site.
 */
export const monthlyReportPdf = (pack: MonthlyPack, lang: Lang = 'zh'): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const tr = reportText(lang);
    const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `${tr('report.pdf.title')} ${pack.month}`, Author: 'complaints reporting' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont(CJK_FONT_NAME, cjkFont());
    doc.font(CJK_FONT_NAME);

    doc.fillColor(ACCENT).fontSize(20).text(tr('report.pdf.title'), { align: 'center' });
    doc.moveDown(0.3);
    const scope = pack.scope.name
      ? tr('report.pdf.scopeWithId', { scope: pack.scope.level, name: pack.scope.name, id: pack.scope.id })
      : tr('report.pdf.scope', { scope: pack.scope.level, name: pack.scope.id });
    const zone = pack.scope.timeZone ? tr('report.pdf.timeZone', { timeZone: pack.scope.timeZone }) : '';
    doc.fillColor('#444444').fontSize(11).text(`${tr('report.pdf.monthLine', { where: scope, month: monthLabel(pack.month, lang) })}${zone}`, { align: 'center' });
    doc.fontSize(9).text(tr('report.pdf.asOf', { asOf: stamp(pack.asOf, pack.scope.timeZone), generatedAt: stamp(pack.generatedAt, pack.scope.timeZone) }), { align: 'center' });
    doc.moveDown(0.8);

    fullPack(doc, tr, lang, pack);
    const numeral = (n: number) => (lang === 'zh' ? '一二三四五六七八九十'[n - 1] : String(n));
    if (pack.regions?.length) overviewTable(doc, tr, lang, tr('report.pdf.h.regions', { n: numeral(7) }), pack.regions);
    if (pack.sites?.length) overviewTable(doc, tr, lang, tr('report.pdf.h.sites', { n: numeral(pack.regions?.length ? 8 : 7) }), pack.sites);
    doc.end();
  });
