/**
 * Triage suggestion (GET /api/complaints/:id/triage/suggestion): explainable rules over the
 * registration, never a black box. Every conclusion adds a reason naming the rule and the word
 * or number that triggered it, e.g. `urgent_keyword: matched "停电" → urgency urgent`.
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

export type TriageSuggestion = {
  nature: Nature;
  severity: Severity;
  urgency: Urgency;
  major: boolean;
  majorReasons: MajorReason[];
  category: string;
  department: string;
  reasons: string[];
};

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

const suggestCategory = (policy: ComplaintPolicy, text: string, hint: string | undefined, reasons: string[]): string => {
  if (hint !== undefined) {
    const byId = policy.categories.find((c) => c.toLowerCase() === hint.trim().toLowerCase());
    if (byId) {
      reasons.push(`category_hint: "${hint}" is the category ${byId}`);
      return byId;
    }
    for (const category of policy.categories) {
      const word = firstMatch(hint, policy.keywords.categories[category] ?? []);
      if (word) {
        reasons.push(`category_hint: hint "${hint}" matched "${word}" → category ${category}`);
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
    reasons.push(`category_keyword: matched ${best.words.map((w) => `"${w}"`).join(', ')} → category ${best.category}`);
    return best.category;
  }
  const fallback = policy.categories.includes('other') ? 'other' : policy.categories[policy.categories.length - 1];
  reasons.push(`category_default: no category keyword matched → category ${fallback}`);
  return fallback;
};

export const suggestTriage = (input: TriageSuggestionInput, policy: ComplaintPolicy = DEFAULT_POLICY): TriageSuggestion => {
  const reasons: string[] = [];
  const text = [input.title, input.description, input.request ?? ''].join('\n');
  const hint = input.categoryHint?.trim() ? input.categoryHint : undefined;

  // Urgency: emergencies (抢险抢修) within minutes; urgent = safety, property, or a facility failure disrupting normal life.
  let urgency: Urgency = 'normal';
  const emergencyWord = firstMatch(text, policy.keywords.emergency);
  const urgentWord = firstMatch(text, policy.keywords.urgent);
  if (emergencyWord) {
    urgency = 'emergency';
    reasons.push(`emergency_keyword: matched "${emergencyWord}" → urgency emergency`);
  } else if (urgentWord) {
    urgency = 'urgent';
    reasons.push(`urgent_keyword: matched "${urgentWord}" → urgency urgent`);
  } else {
    reasons.push('urgency_default: no urgent keyword matched → urgency normal');
  }

  // Major (重大投诉): media, higher authority, litigation keywords; collective; repeated; media/authority channel.
  const majorReasons: MajorReason[] = [];
  const majorWord = firstMatch(text, policy.keywords.major);
  if (majorWord) {
    majorReasons.push('triage_judgement');
    reasons.push(`major_keyword: matched "${majorWord}" → major`);
  }
  if (policy.major.channels.includes(input.channel)) {
    majorReasons.push(input.channel === 'media' ? 'media' : 'authority');
    reasons.push(`major_channel: channel ${input.channel} → major`);
  }
  const households = input.householdCount ?? 1;
  if (households >= policy.collective.minHouseholds) {
    majorReasons.push('collective');
    reasons.push(`collective: ${households} households ≥ ${policy.collective.minHouseholds} → major (collective complaint)`);
  }
  const repeatCount = input.repeatCount ?? 0;
  if (repeatCount >= policy.major.repeatCountAtLeast) {
    majorReasons.push('repeat');
    reasons.push(`repeat: repeat count ${repeatCount} ≥ ${policy.major.repeatCountAtLeast} → major (repeated complaint)`);
  } else if (repeatCount > 0) {
    reasons.push(`repeat: repeat count ${repeatCount} → severity at least important`);
  }

  const category = suggestCategory(policy, text + (hint ? `\n${hint}` : ''), hint, reasons);
  const department = policy.categoryDepartments[category] ?? 'customer_service';
  reasons.push(`department_map: category ${category} → department ${department}`);

  // Nature: invalid for late staff-attitude complaints; to be improved for developer/legacy defects; else valid.
  let nature: Nature = 'valid';
  const lateAfterMs = policy.invalid.staffAttitudeLateAfterDays * 86_400_000;
  const aboutAttitude = category === 'staff_attitude' || firstMatch(text, policy.keywords.categories['staff_attitude'] ?? []) !== undefined;
  const isLate = aboutAttitude && !!input.occurredAt && !!input.receivedAt && toMillis(input.receivedAt) - toMillis(input.occurredAt) > lateAfterMs;
  const improveWord = firstMatch(text, policy.keywords.toBeImproved);
  if (isLate) {
    nature = 'invalid';
    reasons.push(`late_staff_attitude: raised more than ${policy.invalid.staffAttitudeLateAfterDays} days after the event → nature invalid`);
  } else if (improveWord || category === 'developer_defects') {
    nature = 'to_be_improved';
    reasons.push(improveWord ? `to_be_improved_keyword: matched "${improveWord}" → nature to_be_improved` : `to_be_improved_category: category ${category} → nature to_be_improved`);
  } else {
    reasons.push('nature_default: caused by our own service unless shown otherwise → nature valid');
  }

  const major = nature !== 'invalid' && majorReasons.length > 0;
  if (nature === 'invalid' && majorReasons.length > 0) reasons.push('major_cleared: an invalid complaint is not major');
  const severity: Severity = major ? 'major' : urgency !== 'normal' || repeatCount > 0 ? 'important' : 'minor';
  reasons.push(`severity: ${major ? 'major complaint' : urgency !== 'normal' ? `urgency ${urgency}` : repeatCount > 0 ? 'repeat complaint' : 'no aggravating rule'} → severity ${severity}`);

  return { nature, severity, urgency, major, majorReasons: major ? [...new Set(majorReasons)] : [], category, department, reasons };
};
