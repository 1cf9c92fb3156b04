import type { MonthlyPack } from '../monthly-report.query';
import type { Lang } from '../report-labels';
import { reportRows, sectionLabel } from './report-table';

const HEADER = ['scope', 'scope_name', 'section', 'section_label', 'key', 'label', 'value', 'base', 'rate', 'note'];

/** A text cell a spreadsheet would run as a formula (=, +, -, @ …) is prefixed with ' (OWASP CSV injection). */
const defuse = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

const cell = (value: string | number | null): string => {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = defuse(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * The pack as CSV (RFC 4180, CRLF): one row per figure (see report-table.ts), English keys
 * beside labels in `lang` (zh-CN by default). It starts with a UTF-8 byte-order mark so Excel
 * opens the Chinese text correctly. The header names the columns by key, in every language.
 */
export const monthlyReportCsv = (pack: MonthlyPack, lang: Lang = 'zh'): Buffer => {
  const lines = [HEADER.join(',')];
  for (const r of reportRows(pack, lang)) {
    lines.push([r.scope, r.scopeName, r.section, sectionLabel(r.section, lang), r.key, r.label, r.value, r.base, r.rate, r.note].map(cell).join(','));
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
};
