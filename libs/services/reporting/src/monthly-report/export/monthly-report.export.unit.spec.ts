import { inflateSync } from 'node:zlib';
import { Workbook } from 'exceljs';
import { resolvePolicy } from '@complaints/domain';
import { countSiteMonth, rollUpCounts, type MonthFact } from '../monthly-report.rules';
import { presentPack, type MonthlyPack } from '../monthly-report.query';
import { monthlyReportCsv } from './monthly-report.csv';
import { monthlyReportXlsx } from './monthly-report.xlsx';
import { monthlyReportPdf } from './monthly-report.pdf';

/**
 * The four export formats of one small pack: three complaints received in March 2025 at
 * 一号站 (two repairs, one cleaning; one of them major, its title written to look like a
 * spreadsheet formula), two first replies due (one in time), one callback scored 2.
 */
const policy = resolvePolicy([]);
const asOf = new Date('2025-04-03T02:00:00.000Z');
const complaint = (id: string, number: string, title: string, category: string, major = false) => ({
  id,
  number,
  title,
  description: '描述',
  channel: 'phone',
  category,
  nature: 'valid',
  department: category === 'cleaning' ? 'cleaning' : 'engineering',
  major,
  repeat: false,
});
const owner = (id: string, number: string) => ({ complaintId: id, number, title: 't' });
const facts: MonthFact[] = [
  { ...owner('c1', 'S1-001'), kind: 'stage', stage: 'firstReply', startedAt: '2025-03-03T02:00:00.000Z', dueAt: '2025-03-04T02:00:00.000Z', endedAt: '2025-03-03T06:00:00.000Z', outcome: 'done', breached: false },
  { ...owner('c2', 'S1-002'), kind: 'stage', stage: 'firstReply', startedAt: '2025-03-05T02:00:00.000Z', dueAt: '2025-03-06T02:00:00.000Z', endedAt: '2025-03-07T02:00:00.000Z', outcome: 'done', breached: true },
  { ...owner('c1', 'S1-001'), kind: 'callback_round', startedAt: '2025-03-05T02:00:00.000Z', endedAt: '2025-03-06T02:00:00.000Z', outcome: 'done', satisfaction: 2 },
  { ...owner('c1', 'S1-001'), kind: 'callback', at: '2025-03-06T02:00:00.000Z', actor: { id: 'u-m', role: 'cs_manager', name: '陈经理' }, method: 'phone', reached: true, satisfaction: 2 },
];
const counts = countSiteMonth({
  siteId: 'site-1',
  asOf,
  policy,
  received: [complaint('c1', 'S1-001', '楼道灯不亮', 'repairs'), complaint('c2', 'S1-002', '=HYPERLINK("http://x")', 'repairs', true), complaint('c3', 'S1-003', '垃圾, "没人" 清理', 'cleaning')],
  facts,
  openAtMonthEnd: 1,
});
const sitePack = presentPack(counts, policy, { level: 'site', id: 'site-1', name: '一号站', timeZone: 'Asia/Shanghai', sites: ['site-1'] }, '2025-03', asOf, asOf);
const groupPack: MonthlyPack = {
  ...presentPack(rollUpCounts([counts], policy), policy, { level: 'group', id: 'group', name: null, sites: ['site-1'] }, '2025-03', asOf, asOf),
  sites: [sitePack],
};

describe('CSV export', () => {
  const csv = monthlyReportCsv(sitePack).toString('utf8');
  const lines = csv.split('\r\n');

  it('should start with a UTF-8 byte-order mark and the header, with CRLF line ends', () => {
    expect(csv.startsWith('\uFEFFscope,scope_name,section,section_label,key,label,value,base,rate,note\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('should hold one row per figure with its Chinese label', () => {
    expect(lines).toContain('site:site-1,站点 一号站,totals,总体情况,received,本月受理,3,,,');
    expect(lines).toContain('site:site-1,站点 一号站,byCategory,按类别,repairs,维修,2,3,0.6667,');
    expect(lines).toContain('site:site-1,站点 一号站,onTime,及时率,firstReply,一次答复,1,2,0.5,超时 1，未到期 0');
    expect(lines).toContain('site:site-1,站点 一号站,callback,回访率,callback,回访率,1,1,1,处理完成 1，免回访 0，待回访 0，目标 100%，达标');
    expect(lines).toContain('site:site-1,站点 一号站,callbackQuota,经理回访指标,u-m,陈经理（客服中心经理）,1,3,,未达标，缺 2');
  });

  it('should quote text with commas or quotes, and defuse text a spreadsheet would run as a formula', () => {
    expect(lines).toContain(`site:site-1,站点 一号站,major,重大投诉,S1-002,"'=HYPERLINK(""http://x"")",1,,,site-1`);
    expect(csv).not.toContain(',=HYPERLINK');
  });
});

describe('XLSX export', () => {
  it('should hold an overview line per scope and one sheet per group of figures, rates as percentages', async () => {
    const workbook = new Workbook();
    await workbook.xlsx.load((await monthlyReportXlsx(groupPack)) as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['概览', '分类统计', '及时率', '回访与满意度', '重大重复重开', '热点问题']);
    const overview = workbook.getWorksheet('概览');
    expect(overview?.getRow(1).getCell(1).value).toBe('范围');
    expect(overview?.getRow(2).getCell(1).value).toBe('集团 group');
    expect(overview?.getRow(3).getCell(1).value).toBe('站点 一号站');
    expect(overview?.getRow(3).getCell(3).value).toBe(3);
    const firstReplyRate = overview?.getRow(3).getCell(6);
    expect(firstReplyRate?.value).toBe(0.5);
    expect(firstReplyRate?.numFmt).toBe('0.00%');
    const onTime = workbook.getWorksheet('及时率');
    expect(onTime?.getRow(2).values).toEqual([undefined, '集团 group', '及时率', 'firstReply', '一次答复', 1, 2, 0.5, '超时 1，未到期 0']);
  });
});

/** Text a PDF shows, decoded through its fonts' ToUnicode maps (pdfkit writes glyph ids in hex). */
const pdfText = (pdf: Buffer): string => {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  const marker = /stream\r?\n/g;
  for (let m = marker.exec(raw); m; m = marker.exec(raw)) {
    const start = m.index + m[0].length;
    try {
      streams.push(inflateSync(pdf.subarray(start, raw.indexOf('endstream', start))).toString('latin1'));
    } catch {
      // not a deflated stream
    }
  }
  const toUnicode = new Map<number, string>();
  for (const cmap of streams.filter((s) => s.includes('beginbfrange'))) {
    for (const range of cmap.matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/gi)) {
      const first = parseInt(range[1], 16);
      // A glyph of several characters (a Latin ligature such as "fi") is written <0066 0069>.
      [...range[2].matchAll(/<([0-9a-f ]*)>/gi)].forEach((u, i) => toUnicode.set(first + i, String.fromCharCode(...(u[1].replace(/ /g, '').match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)))));
    }
  }
  return streams
    .filter((s) => s.includes(' TJ'))
    .flatMap((s) => [...s.matchAll(/\[([^\]]*)\] TJ/g)].map((tj) => [...tj[1].matchAll(/<([0-9a-f]+)>/gi)].map((g) => (g[1].match(/.{4}/g) ?? []).map((h) => toUnicode.get(parseInt(h, 16)) ?? '?').join('')).join('')))
    .join('\n');
};

describe('PDF export', () => {
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await monthlyReportPdf(groupPack);
  });

  it('should be a PDF with the CJK font embedded as a subset', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
    // A subset: the whole font is 10 MB.
    expect(pdf.length).toBeLessThan(300_000);
  });

  it('should carry the Chinese text as text (title, headings, labels, scopes)', () => {
    const text = pdfText(pdf);
    for (const expected of ['客户投诉月度统计报告', '统计月份：2025年3月', '一、总体情况', '二、分类统计', '三、各环节及时率', '一次答复', '四、回访与满意度', '非常满意', '五、重大、重复与重开投诉', '六、热点问题', '七、各站点概览', '站点 一号站']) {
      expect(text).toContain(expected);
    }
  });
});

describe('Exports in the requested language (?lang=en), labels from the shared catalogue', () => {
  /** Han characters outside the complaints' own words (titles, names the data carries). */
  const hanOutside = (text: string, allowed: string[]) => {
    let rest = text;
    for (const a of allowed) rest = rest.split(a).join(' ');
    return [...rest.matchAll(/[\u4e00-\u9fff]+/g)].map((m) => m[0]);
  };
  const DATA_WORDS = ['一号站', '楼道灯不亮', '垃圾', '没人', '清理', '陈经理'];

  it('given lang en, when the CSV is written, then every label, section and note is English, the keys unchanged', () => {
    const csv = monthlyReportCsv(sitePack, 'en').toString('utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('\uFEFFscope,scope_name,section,section_label,key,label,value,base,rate,note');
    expect(lines).toContain('site:site-1,Site 一号站,totals,Totals,received,Received,3,,,');
    expect(lines).toContain('site:site-1,Site 一号站,byCategory,By category,repairs,Repairs,2,3,0.6667,');
    expect(lines).toContain('site:site-1,Site 一号站,onTime,On-time rate,firstReply,First reply,1,2,0.5,"1 late, 0 not yet due"');
    expect(lines).toContain('site:site-1,Site 一号站,callbackQuota,Managers’ callback quotas,u-m,陈经理 (CS centre manager),1,3,,"not met, 2 missing"');
    expect(hanOutside(csv, DATA_WORDS)).toEqual([]);
  });

  it('given lang en, when the workbook is written, then its sheets, headers and labels are English', async () => {
    const workbook = new Workbook();
    await workbook.xlsx.load((await monthlyReportXlsx(groupPack, 'en')) as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Overview', 'Counts', 'On time', 'Callback & satisfaction', 'Major, repeat, reopened', 'Top issues']);
    const overview = workbook.getWorksheet('Overview');
    expect(overview?.getRow(1).getCell(1).value).toBe('Scope');
    expect(overview?.getRow(2).getCell(1).value).toBe('Group group');
    expect(workbook.getWorksheet('On time')?.getRow(2).values).toEqual([undefined, 'Group group', 'On-time rate', 'firstReply', 'First reply', 1, 2, 0.5, '1 late, 0 not yet due']);
    const cells: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.value)))));
    expect(hanOutside(cells.join('\n'), DATA_WORDS)).toEqual([]);
  });

  it('given lang en, when the PDF is written, then its title, headings and labels are English', async () => {
    const text = pdfText(await monthlyReportPdf(groupPack, 'en'));
    for (const expected of ['Monthly complaints report', 'month: 3/2025', '1. Summary', '2. Counts', '3. On-time rate per stage', 'First reply', '4. Callbacks and satisfaction', 'Very satisfied', '6. Top issues', '7. Sites', 'Site 一号站']) {
      expect(text).toContain(expected);
    }
    expect(hanOutside(text, DATA_WORDS)).toEqual([]);
  });
});
