import type { ProblemList } from '../common/domain-errors';
import { TRIAGE_REASON_CODES, type TriageReason } from './triage-suggestion';

/**
 * The reasons of an automatic triage, kept on its ComplaintTriaged as codes with parameters
 * (`explanations`) rather than as English sentences in `note`, so a reader sees them in their
 * own language (the shared message catalogue renders them). Events recorded before keep their
 * note. Rule: only the suggestion's known reason codes, each with flat parameters (text,
 * numbers, lists of text), at most MAX_EXPLANATIONS of them.
 */
export const MAX_EXPLANATIONS = 40;

const CODES = new Set<string>(TRIAGE_REASON_CODES);

const isParamValue = (v: unknown): boolean =>
  (typeof v === 'string' && v.length <= 200) || (typeof v === 'number' && Number.isFinite(v)) || (Array.isArray(v) && v.length <= 20 && v.every((w) => typeof w === 'string' && w.length <= 200));

const isExplanation = (e: unknown): e is TriageReason => {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
  const { code, params } = e as { code?: unknown; params?: unknown };
  if (typeof code !== 'string' || !CODES.has(code)) return false;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  return Object.keys(params).length <= 10 && Object.values(params).every(isParamValue);
};

export const checkTriageExplanations = (problems: ProblemList, value: unknown): void => {
  if (value === undefined || value === null) return;
  problems.check(Array.isArray(value) && value.length <= MAX_EXPLANATIONS && value.every(isExplanation), 'explanations', `must be up to ${MAX_EXPLANATIONS} triage reasons ({ code, params })`);
};

/** The explanations to record (a copy), or nothing. */
export const triageExplanations = (value: readonly TriageReason[] | null | undefined): TriageReason[] | undefined =>
  value && value.length ? value.map((e) => ({ code: e.code, params: { ...e.params } })) : undefined;
