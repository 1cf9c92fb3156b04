/**
 * Triage suggestion (GET /api/complaints/:id/triage/suggestion): explainable rules over the
 * registration, never a black box. Every conclusion adds a reason naming the rule and the word
 * or number that triggered it, e.g. `urgent_keyword: matched "停电" → urgency urgent`, and the
 * same as a stable code with its parameters (`{ code: 'urgent_keyword', params: { word: '停电' } }`)
 * that a client renders in the reader's language (the text stays English, for logs and notes).
 * Keyword lists, thresholds, the taxonomy and the category → department map all come from the
 * policy, so a site tunes the suggestion without code.
 *
 * The suggestion is advice for the triager; the decider enforces only the hard rules
 * (collective / repeat / media-authority channel → major).
 */
import { toMillis } from '../common/iso-time';
import { DEFAULT_POLICY, type ComplaintPolicy } from '../policy/policy';
import type { Channel, MajorReason, Nature, Severity, Urgency } from '../complaint/complaint.types';

export type TriageSuggestionInput = {
  channel: Channel;
  title: string;
  description: string;
  request?: string | null;
  categoryHint?: string | null;
  householdCount?: number | null;
  /** How many times this is a repeat of an earlier complaint (0 = original). */
  repeatCount?: number | null;
  occurredAt?: string | null;
  receivedAt?: string | null;
};

/** The rules a suggestion can cite; each explanation's params are listed beside it. */
export const TRIAGE_REASON_CODES = [
  'emergency_keyword', // { word }
  'urgent_keyword', // { word }
  'urgency_default', // {}
  'major_keyword', // { word }
  'major_channel', // { channel }
  'collective', // { households, minimum }
  'repeat_major', // { count, minimum }
  'repeat_important', // { count }
  'category_hint', // { hint, category }
  'category_hint_keyword', // { hint, word, category }
  'category_keyword', // { words: [..], category }
  'category_default', // { category }
  'department_map', // { category, department }
  'late_staff_attitude', // { days }
  'to_be_improved_keyword', // { word }
  'to_be_improved_category', // { category }
  'nature_default', // {}
  'major_cleared', // {}
  'severity', // { basis: major | urgency | repeat | none, urgency, severity }
] as const;
export type TriageReasonCode = (typeof TRIAGE_REASON_CODES)[number];

/** One reason as data: a stable code and its parameters (keys of the policy's taxonomy, words, numbers). */
export type TriageReason = { code: TriageReasonCode; params: Record<string, string | number | string[]> };

export type TriageSuggestion = {
  nature: Nature;
  severity: Severity;
  urgency: Urgency;
  major: boolean;
  majorReasons: MajorReason[];
  category: string;
  department: string;
  reasons: string[];
  /** The same reasons, in the same order, as codes with parameters. */
  explanations: TriageReason[];
};

/** Collects each reason twice: as the English sentence and as code + params. */
class Reasons {
  readonly texts: string[] = [];
  readonly explanations: TriageReason[] = [];
  add(code: TriageReasonCode, params: TriageReason['params'], text: string): void {
    this.texts.push(`${code.startsWith('repeat_') ? 'repeat' : code === 'category_hint_keyword' ? 'category_hint' : code}: ${text}`);
    this.explanations.push({ code, params });
  }
}

const ASCII = /^[\x20-\x7e]+$/;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Chinese keywords match as substrings (Chinese has no spaces between words). ASCII keywords
 * match whole words only, case-insensitively — so "sue" does not fire on "issue", nor "12345"
 * inside a longer number.
 */
export const containsKeyword = (text: string, keyword: string): boolean => {
  if (keyword.trim() === '') return false;
  if (ASCII.test(keyword)) return new RegExp(`(^|[^a-z0-9])${escapeRegExp(keyword.toLowerCase())}($|[^a-z0-9])`).test(text.toLowerCase());
  return text.includes(keyword);
};

const firstMatch = (text: string, keywords: readonly string[]): string | undefined => keywords.find((k) => containsKeyword(text, k));

const suggestCategory = (policy: ComplaintPolicy, text: string, hint: string | undefined, reasons: Reasons): string => {
  if (hint !== undefined) {
    const byId = policy.categories.find((c) => c.toLowerCase() === hint.trim().toLowerCase());
    if (byId) {
      reasons.add('category_hint', { hint, category: byId }, `"${hint}" is the category ${byId}`);
      return byId;
    }
    for (const category of policy.categories) {
      const word = firstMatch(hint, policy.keywords.categories[category] ?? []);
      if (word) {
        reasons.add('category_hint_keyword', { hint, word, category }, `hint "${hint}" matched "${word}" → category ${category}`);
        return category;
      }
    }
  }
  let best: { category: string; words: string[] } | undefined;
  for (const category of policy.categories) {
    const words = (policy.keywords.categories[category] ?? []).filter((k) => containsKeyword(text, k));
    if (words.length > 0 && (!best || words.length > best.words.length)) best = { category, words };
  }
  if (best) {
    reasons.add('category_keyword', { words: best.words, category: best.category }, `matched ${best.words.map((w) => `"${w}"`).join(', ')} → category ${best.category}`);
    return best.category;
  }
  const fallback = policy.categories.includes('other') ? 'other' : policy.categories[policy.categories.length - 1];
  reasons.add('category_default', { category: fallback }, `no category keyword matched → category ${fallback}`);
  return fallback;
};

export const suggestTriage = (input: TriageSuggestionInput, policy: ComplaintPolicy = DEFAULT_POLICY): TriageSuggestion => {
  const reasons = new Reasons();
  const text = [input.title, input.description, input.request ?? ''].join('\n');
  const hint = input.categoryHint?.trim() ? input.categoryHint : undefined;

  // Urgency: emergencies (抢险抢修) within minutes; urgent = safety, property, or a facility failure disrupting normal life.
  let urgency: Urgency = 'normal';
  const emergencyWord = firstMatch(text, policy.keywords.emergency);
  const urgentWord = firstMatch(text, policy.keywords.urgent);
  if (emergencyWord) {
    urgency = 'emergency';
    reasons.add('emergency_keyword', { word: emergencyWord }, `matched "${emergencyWord}" → urgency emergency`);
  } else if (urgentWord) {
    urgency = 'urgent';
    reasons.add('urgent_keyword', { word: urgentWord }, `matched "${urgentWord}" → urgency urgent`);
  } else {
    reasons.add('urgency_default', {}, 'no urgent keyword matched → urgency normal');
  }

  // Major (重大投诉): media, higher authority, litigation keywords; collective; repeated; media/authority channel.
  const majorReasons: MajorReason[] = [];
  const majorWord = firstMatch(text, policy.keywords.major);
  if (majorWord) {
    majorReasons.push('triage_judgement');
    reasons.add('major_keyword', { word: majorWord }, `matched "${majorWord}" → major`);
  }
  if (policy.major.channels.includes(input.channel)) {
    majorReasons.push(input.channel === 'media' ? 'media' : 'authority');
    reasons.add('major_channel', { channel: input.channel }, `channel ${input.channel} → major`);
  }
  const households = input.householdCount ?? 1;
  if (households >= policy.collective.minHouseholds) {
    majorReasons.push('collective');
    reasons.add('collective', { households, minimum: policy.collective.minHouseholds }, `${households} households ≥ ${policy.collective.minHouseholds} → major (collective complaint)`);
  }
  const repeatCount = input.repeatCount ?? 0;
  if (repeatCount >= policy.major.repeatCountAtLeast) {
    majorReasons.push('repeat');
    reasons.add('repeat_major', { count: repeatCount, minimum: policy.major.repeatCountAtLeast }, `repeat count ${repeatCount} ≥ ${policy.major.repeatCountAtLeast} → major (repeated complaint)`);
  } else if (repeatCount > 0) {
    reasons.add('repeat_important', { count: repeatCount }, `repeat count ${repeatCount} → severity at least important`);
  }

  const category = suggestCategory(policy, text + (hint ? `\n${hint}` : ''), hint, reasons);
  const department = policy.categoryDepartments[category] ?? 'customer_service';
  reasons.add('department_map', { category, department }, `category ${category} → department ${department}`);

  // Nature: invalid for late staff-attitude complaints; to be improved for developer/legacy defects; else valid.
  let nature: Nature = 'valid';
  const lateAfterMs = policy.invalid.staffAttitudeLateAfterDays * 86_400_000;
  const aboutAttitude = category === 'staff_attitude' || firstMatch(text, policy.keywords.categories['staff_attitude'] ?? []) !== undefined;
  const isLate = aboutAttitude && !!input.occurredAt && !!input.receivedAt && toMillis(input.receivedAt) - toMillis(input.occurredAt) > lateAfterMs;
  const improveWord = firstMatch(text, policy.keywords.toBeImproved);
  if (isLate) {
    nature = 'invalid';
    reasons.add('late_staff_attitude', { days: policy.invalid.staffAttitudeLateAfterDays }, `raised more than ${policy.invalid.staffAttitudeLateAfterDays} days after the event → nature invalid`);
  } else if (improveWord || category === 'developer_defects') {
    nature = 'to_be_improved';
    if (improveWord) reasons.add('to_be_improved_keyword', { word: improveWord }, `matched "${improveWord}" → nature to_be_improved`);
    else reasons.add('to_be_improved_category', { category }, `category ${category} → nature to_be_improved`);
  } else {
    reasons.add('nature_default', {}, 'caused by our own service unless shown otherwise → nature valid');
  }

  const major = nature !== 'invalid' && majorReasons.length > 0;
  if (nature === 'invalid' && majorReasons.length > 0) reasons.add('major_cleared', {}, 'an invalid complaint is not major');
  const severity: Severity = major ? 'major' : urgency !== 'normal' || repeatCount > 0 ? 'important' : 'minor';
  const basis = major ? 'major' : urgency !== 'normal' ? 'urgency' : repeatCount > 0 ? 'repeat' : 'none';
  reasons.add(
    'severity',
    { basis, urgency, severity },
    `${major ? 'major complaint' : urgency !== 'normal' ? `urgency ${urgency}` : repeatCount > 0 ? 'repeat complaint' : 'no aggravating rule'} → severity ${severity}`,
  );

  return { nature, severity, urgency, major, majorReasons: major ? [...new Set(majorReasons)] : [], category, department, reasons: reasons.texts, explanations: reasons.explanations };
};
