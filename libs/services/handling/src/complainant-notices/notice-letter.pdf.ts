import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { RenderedNotice } from './notice-templates';

/**
 * The printable letter (书面通知) in zh-CN, as PDF — rendered the way the monthly report's
 * PDF is (pdfkit with Noto Sans SC Regular from `@expo-google-fonts/noto-sans-sc`, subset on
 * embedding, so a letter carries only its own glyphs). Rendered on request and never
 * stored: it holds the complainant's name and address, opened from the vault for it.
 */
const FONT_FILE = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';
const FONT_NAME = 'NotoSansSC-Regular';
let fontCache: Buffer | undefined;
const cjkFont = (): Buffer => {
  fontCache ??= readFileSync(require.resolve(FONT_FILE));
  return fontCache;
};

export type LetterInput = {
  notice: RenderedNotice;
  /** The address block: name, building and unit (opened at render time), or nothing for a letter left at the desk. */
  recipient: string[];
  siteName: string;
  number: string;
  /** "2026-03-05" in the site's zone. */
  date: string;
};

const MARGIN = 64;

export const renderNoticeLetter = (input: LetterInput): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: input.notice.subject, Author: input.siteName, Subject: input.number } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont(FONT_NAME, cjkFont());
    doc.font(FONT_NAME);
    const width = doc.page.width - 2 * MARGIN;
    doc.fillColor('#1f4e79').fontSize(18).text(input.siteName, { align: 'center', width });
    doc.moveDown(0.3).fillColor('#444444').fontSize(10).text(`投诉编号 ${input.number} · ${input.date}`, { align: 'center', width });
    doc.moveDown(1.5).fillColor('#222222').fontSize(11);
    for (const line of input.recipient) doc.text(line, { width });
    doc.moveDown(1.2).fontSize(15).fillColor('#1f4e79').text(input.notice.subject, { align: 'center', width });
    doc.moveDown(1).fontSize(12).fillColor('#222222');
    for (const line of input.notice.body.split('\n')) {
      if (line === '') doc.moveDown(0.6);
      else doc.text(line, { width, lineGap: 4 });
    }
    doc.moveDown(2).fontSize(11).text(input.date, { align: 'right', width });
    doc.end();
  });
