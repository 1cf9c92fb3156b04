import PDFDocument from 'pdfkit';
import type { DisclosureNotice } from '@complaints/domain';
import { CJK_FONT_NAME, cjkFont } from '../monthly-report/export/monthly-report.pdf';
import { labelOf } from '../monthly-report/report-labels';

const OUTCOME: Record<string, string> = { closed: '已办结', resolved: '已处理，待回访', in_progress: '处理中' };
const MARGIN = 50;

/**
 * The notice (公示) as a printable A4 page in the embedded CJK font (the monthly pack's): one
 * block per complaint. A draft, or a notice changed since its approval, says so in its heading.
 */
export const disclosurePdf = (notice: DisclosureNotice & { siteName?: string; status: string; contentHash: string; approvedAt?: string }): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `投诉处理情况公示 ${notice.siteId} ${notice.month}`, Author: 'complaints reporting' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont(CJK_FONT_NAME, cjkFont());
    doc.font(CJK_FONT_NAME);
    const [year, month] = notice.month.split('-');
    doc.fillColor('#1f4e79').fontSize(20).text('公共区域投诉处理情况公示', { align: 'center' });
    doc.moveDown(0.3);
    doc.fillColor('#444444').fontSize(11).text(`${notice.siteName ?? notice.siteId} · ${year}年${Number(month)}月`, { align: 'center' });
    if (notice.status !== 'published') {
      doc.moveDown(0.3).fillColor('#b00020').fontSize(12).text(notice.status === 'draft' ? '草稿：尚未经客服中心经理审批，不得张贴' : '内容已在审批后变更：须重新审批后张贴', { align: 'center' });
    }
    doc.moveDown(0.8);
    if (notice.items.length === 0) doc.fillColor('#222222').fontSize(11).text('本月无涉及公共区域或公共利益的投诉。');
    notice.items.forEach((item, i) => {
      if (doc.y > doc.page.height - MARGIN - 90) doc.addPage();
      doc.fillColor('#1f4e79').fontSize(12).text(`${i + 1}. ${item.title}`, MARGIN, doc.y);
      const lines = [
        `编号 ${item.number} · 受理 ${item.receivedOn}${item.category ? ` · ${labelOf('category', item.category)}` : ''}${item.location ? ` · 地点 ${item.location}` : ''}`,
        `处理结果：${OUTCOME[item.outcome] ?? item.outcome}${item.closedOn ? `（${item.closedOn}）` : ''}${item.result ? ` — ${item.result}` : ''}`,
      ];
      doc.fillColor('#222222').fontSize(10);
      for (const line of lines) doc.text(line, MARGIN + 12, doc.y, { width: doc.page.width - 2 * MARGIN - 12 });
      doc.moveDown(0.5);
    });
    doc.moveDown(1);
    doc.fillColor('#666666').fontSize(8).text(`内容校验值 SHA-256 ${notice.contentHash}${notice.approvedAt ? ` · 审批于 ${notice.approvedAt}` : ''}`, MARGIN, doc.y);
    doc.end();
  });
