import { LABELS as SHARED_LABELS, labelOf as sharedLabelOf, renderMessage, type Lang, type MessageParams } from '@complaints/contracts';

/**
 * Labels for the report (the JSON keeps the English keys of docs/api.md and carries the
 * Chinese label as `label`; the exports take the language asked for, `?lang=zh-CN|en`). They
 * come from the shared catalogue (@complaints/contracts, i18n/labels.ts) the dashboard uses
 * too. Keys not listed there (a site's own categories or departments) are shown as they are.
 */
const GROUPS = {
  category: 'category',
  nature: 'nature',
  channel: 'channel',
  department: 'department',
  stage: 'deadline',
  status: 'status',
  role: 'role',
  satisfaction: 'satisfaction',
} as const;

export type LabelGroup = keyof typeof GROUPS;
export type { Lang };

export const labelOf = (group: LabelGroup, key: string, lang: Lang = 'zh'): string => (SHARED_LABELS[GROUPS[group]]?.[key] ? sharedLabelOf(lang, GROUPS[group], key) : key);

/** Whether the shared catalogue knows this code (else a site's own code: its label is what the pack says). */
export const hasLabel = (group: LabelGroup, key: string): boolean => !!SHARED_LABELS[GROUPS[group]]?.[key];

/** A report text of the catalogue in `lang`. */
export const reportText = (lang: Lang) => (code: string, params?: MessageParams): string => renderMessage(lang, code, params);
