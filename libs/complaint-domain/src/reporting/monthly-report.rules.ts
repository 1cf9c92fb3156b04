/**
 * The rules of the monthly statistical report (月度统计报告, docs/process.md §6) as plain
 * functions over events and rows: no NestJS, no TypeORM, no clock — in the domain library
 * next to `callbackQuotaShortfalls` and `callbackRate`; the reporting service's projection
 * and queries call them.
 *
 * Part 1 folds a complaint's events into reporting facts (which deadlines were in force,
 * when each step was done, callbacks, reopenings…). Part 2 turns the facts of one site and
 * month into the report's counts, and merges counts of sites into region and group
 * roll-ups. Part 3 derives the rates and rankings shown in the pack.
 *
 * ## What "on time" means (一次答复/二次答复/整改措施/处理/回访及时率)
 *
 * A *timed step* is one of firstReply, secondReply, plan, resolve, callback. Every event
 * carries the complaint's complete deadline map, so the deadline in force for a step is
 * read from the events, never recomputed:
 *  - a step's *occurrence* starts when its deadline appears in the map (registration sets
 *    firstReply, triage plan and resolve, a first reply secondReply, a resolution
 *    callback; a reopening starts new occurrences of firstReply, plan and resolve);
 *  - while it is pending, a later event may move the deadline (an agreed reply time, a
 *    rectification plan that sets the resolution date, an unreached callback's retry
 *    date): the occurrence keeps the new due time — except that a plan running past the
 *    special-case limit (7 working days, "a longer time needs an approved extension") moves
 *    the resolution's measured due time only up to that limit (`resolveOnTimeLimit`): the
 *    extension lets the work go on without being chased, but does not make it on time;
 *  - the occurrence is *breached* as soon as any event happens after its due time while it
 *    is still pending — a deadline moved after it had passed does not make it on time again;
 *  - it is *done* by the event that performs the step: FirstReplyGiven, SecondReplyGiven,
 *    RectificationPlanRecorded, ComplaintResolved (or InvalidComplaintExplained for an
 *    invalid complaint), CallbackCompleted (the complainant reached and scored it);
 *  - it is *withdrawn* when its deadline disappears without the step being done (resolved
 *    before a plan was needed, resolved on the spot, exempted from callback…).
 *
 * On time = done at or before the due time in force, never breached.
 * Which month: an occurrence counts in the site-local month of its (final) due time —
 * "of the steps due in March, how many were done in time" (应答复数 / 及时答复数). Measured
 * are: done occurrences; withdrawn ones that had already been breached (late: the step was
 * owed and never done in time); pending ones whose due time has passed at the report's
 * `asOf` (late). Pending ones not yet due are not measured yet. Rate = on time ÷ measured
 * (null when nothing was measured).
 */
import { callbackQuotaShortfalls, callbackRate } from './callback-quota';
import { localDateOf } from '../calendar/time-zone';
import { evolve, initialState, type Complaint, type ComplaintState } from '../complaint/complaint.state';
import { toDomainEvent } from '../complaint/event-schema';
import type { Actor, Role } from '../common/actor';
import type { ComplaintPolicy } from '../policy/policy';

/** A stored event folded onto the complaint by the domain's own evolve (through the one stored → domain converter); an unknown type changes nothing. */
const evolveComplaint = (state: ComplaintState, event: { type: string; data: Record<string, unknown>; metadata?: Record<string, unknown> }): ComplaintState => {
  const domainEvent = toDomainEvent(event);
  return domainEvent ? evolve(state, domainEvent) : state;
};

/**
 * The month a report covers when none is asked for: the current month where the site is
 * (its time zone; a group or region report: the group's), as YYYY-MM. At 00:30 on 1 April
 * in Shanghai it is April there, though still March in UTC.
 */
export const defaultReportMonth = (now: Date, timeZone: string): string => localDateOf(now.getTime(), timeZone).slice(0, 7);

// ---------------------------------------------------------------------------------------------
// Part 1 — facts folded from a complaint's events

export const TIMED_STAGES = ['firstReply', 'secondReply', 'plan', 'resolve', 'callback'] as const;
export type TimedStage = (typeof TIMED_STAGES)[number];

/** The event that performs each timed step. */
const COMPLETES: Readonly<Record<string, TimedStage>> = {
  FirstReplyGiven: 'firstReply',
  SecondReplyGiven: 'secondReply',
  RectificationPlanRecorded: 'plan',
  ComplaintResolved: 'resolve',
  InvalidComplaintExplained: 'resolve',
  CallbackCompleted: 'callback',
};

/** Roles whose activity marks them as holding a post with a monthly callback minimum (see quotas). */
export const MANAGEMENT_ROLES: readonly Role[] = ['cs_supervisor', 'cs_manager', 'general_manager', 'leadership'];

export type FactActor = { id: string; role: string; name?: string };

export type StageFact = {
  kind: 'stage';
  stage: TimedStage;
  startedAt: string;
  dueAt: string;
  endedAt: string | null;
  outcome: 'pending' | 'done' | 'withdrawn';
  breached: boolean;
};

/** One resolution awaiting its callback (回访): done when scored, exempt when exempted. */
export type CallbackRoundFact = { kind: 'callback_round'; startedAt: string; endedAt: string | null; outcome: 'pending' | 'done' | 'exempt'; satisfaction: number | null };

/** One callback attempt, reached (scored) or not. */
export type CallbackFact = { kind: 'callback'; at: string; actor: FactActor; method: string; reached: boolean; satisfaction: number | null };

export type MilestoneFact = { kind: 'reopened' | 'marked_major' | 'closed' | 'acted'; at: string; actor: FactActor };

export type ReportFact = StageFact | CallbackRoundFact | CallbackFact | MilestoneFact;

export type ReportFold = { complaint: Complaint; facts: ReportFact[] };

const ms = (iso: string): number => Date.parse(iso);

const actorOf = (data: Record<string, unknown>): FactActor => {
  const actor = (data.actor ?? {}) as Partial<Actor>;
  return { id: String(actor.id ?? 'unknown'), role: String(actor.role ?? 'unknown'), ...(actor.name ? { name: actor.name } : {}) };
};

const lastIndex = <T>(items: readonly T[], predicate: (item: T) => boolean): number => {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return -1;
};

const pendingStage = (facts: readonly ReportFact[], stage: TimedStage): number =>
  lastIndex(facts, (f) => f.kind === 'stage' && f.stage === stage && f.outcome === 'pending');

/**
 * Folds one event into a complaint's reporting facts. Facts are replaced, never mutated,
 * so the caller can tell which ones an event changed by comparing old and new.
 */
export const foldReportFacts = (fold: ReportFold | undefined, event: { type: string; data: Record<string, unknown> }): ReportFold | undefined => {
  const before: ComplaintState = fold?.complaint ?? initialState();
  const after = evolveComplaint(before, event);
  if (!after.exists) return fold;
  if (after === before) return fold; // an event the domain ignores changes nothing
  const at = String(event.data.at);
  const t = ms(at);
  const actor = actorOf(event.data);
  const facts: ReportFact[] = fold ? [...fold.facts] : [];

  // 1. Any event after a pending step's due time breaches it.
  facts.forEach((f, i) => {
    if (f.kind === 'stage' && f.outcome === 'pending' && !f.breached && t > ms(f.dueAt)) facts[i] = { ...f, breached: true };
  });

  // 2. The step this event performs is done (an invalid complaint's explanation arrives right
  //    after the reply that cleared its deadlines: same instant, so it revives that occurrence).
  const completed = COMPLETES[event.type];
  if (completed) {
    let i = pendingStage(facts, completed);
    if (i < 0) i = lastIndex(facts, (f) => f.kind === 'stage' && f.stage === completed && f.outcome === 'withdrawn' && f.endedAt === at);
    if (i >= 0) facts[i] = { ...(facts[i] as StageFact), outcome: 'done', endedAt: at };
  }

  // 3. Deadlines that appeared, moved or disappeared.
  for (const stage of TIMED_STAGES) {
    const previousDue = before.exists ? before.deadlines[stage] : undefined;
    const nextDue = after.deadlines[stage];
    const i = pendingStage(facts, stage);
    if (i >= 0) {
      const pending = facts[i] as StageFact;
      const limit = stage === 'resolve' ? after.resolveOnTimeLimit : undefined;
      const measuredDue = nextDue !== undefined && limit !== undefined && ms(nextDue) > ms(limit) ? limit : nextDue;
      if (measuredDue === undefined) facts[i] = { ...pending, outcome: 'withdrawn', endedAt: at };
      else if (measuredDue !== pending.dueAt) facts[i] = { ...pending, dueAt: measuredDue };
    } else if (nextDue !== undefined && nextDue !== previousDue) {
      facts.push({ kind: 'stage', stage, startedAt: at, dueAt: nextDue, endedAt: null, outcome: 'pending', breached: false });
    }
  }

  // 4. Callback rounds and attempts; 5. milestones.
  const data = event.data;
  switch (event.type) {
    case 'ComplaintResolved':
      facts.push({ kind: 'callback_round', startedAt: at, endedAt: null, outcome: 'pending', satisfaction: null });
      break;
    case 'CallbackCompleted': {
      const i = lastIndex(facts, (f) => f.kind === 'callback_round' && f.outcome === 'pending');
      if (i >= 0) facts[i] = { ...(facts[i] as CallbackRoundFact), outcome: 'done', endedAt: at, satisfaction: Number(data.satisfaction) };
      facts.push({ kind: 'callback', at, actor, method: String(data.method), reached: true, satisfaction: Number(data.satisfaction) });
      break;
    }
    case 'CallbackUnreached':
      facts.push({ kind: 'callback', at, actor, method: String(data.method), reached: false, satisfaction: null });
      break;
    case 'CallbackExempted': {
      const i = lastIndex(facts, (f) => f.kind === 'callback_round' && f.outcome === 'pending');
      if (i >= 0) facts[i] = { ...(facts[i] as CallbackRoundFact), outcome: 'exempt', endedAt: at };
      break;
    }
    case 'ComplaintReopened':
      facts.push({ kind: 'reopened', at, actor });
      break;
    case 'ComplaintMarkedMajor':
      facts.push({ kind: 'marked_major', at, actor });
      break;
    case 'ComplaintClosed':
      facts.push({ kind: 'closed', at, actor });
      break;
    default:
      if ((MANAGEMENT_ROLES as readonly string[]).includes(actor.role)) facts.push({ kind: 'acted', at, actor });
  }
  return { complaint: after, facts };
};

/** The instant a fact counts in a month by: a step's due time, a round's resolution, else when it happened. */
export const factInstant = (fact: ReportFact): string =>
  fact.kind === 'stage' ? fact.dueAt : fact.kind === 'callback_round' ? fact.startedAt : fact.at;

// ---------------------------------------------------------------------------------------------
// Part 2 — one site's month: counts that can be summed into region and group roll-ups

/** A complaint received in the month, as the report needs it (current classification). */
export type ReceivedComplaint = {
  id: string;
  number: string;
  title: string;
  description: string;
  channel: string;
  category: string | null;
  nature: string | null;
  department: string | null;
  major: boolean;
  repeat: boolean;
};

/** A fact whose instant (`factInstant`) lies in the month, with its complaint's number and title. */
export type MonthFact = ReportFact & { complaintId: string; number: string; title: string };

export type StageCount = { measured: number; onTime: number; late: number; notYetDue: number };

export type CaseItem = { id: string; number: string; title: string; siteId: string };

export type QuotaCount = { siteId: string; actorId: string; name?: string; role: string; callbacks: number; required: number };

export type Person = { id: string; role: string; name?: string };

export type MonthlyCounts = {
  sites: string[];
  received: number;
  closed: number;
  openAtMonthEnd: number;
  byCategory: Record<string, number>;
  byNature: Record<string, number>;
  byChannel: Record<string, number>;
  byDepartment: Record<string, number>;
  stages: Record<TimedStage, StageCount>;
  callbackRounds: { resolved: number; exempt: number; done: number; pending: number };
  callbackTarget: number;
  satisfaction: Record<'1' | '2' | '3' | '4' | '5', number>;
  satisfiedAtMost: number;
  major: CaseItem[];
  repeat: CaseItem[];
  reopened: CaseItem[];
  reopenEvents: number;
  keywordCounts: Record<string, number>;
  quotas: QuotaCount[];
};

export const UNTRIAGED = 'untriaged';

const increment = (counts: Record<string, number>, key: string, by = 1): void => {
  counts[key] = (counts[key] ?? 0) + by;
};

const emptyStages = (): Record<TimedStage, StageCount> =>
  Object.fromEntries(TIMED_STAGES.map((s) => [s, { measured: 0, onTime: 0, late: 0, notYetDue: 0 }])) as Record<TimedStage, StageCount>;

const ASCII_KEYWORD = /^[\x20-\x7e]+$/;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The domain's `containsKeyword`, compiled once per keyword instead of once per text (the
 * report tests every keyword against every complaint of the month): Chinese keywords match
 * as substrings, ASCII keywords as whole words, case-insensitively. A unit test holds it to
 * the domain's function; a `keywordMatcher` in the domain would make this copy unnecessary.
 */
export const keywordMatcher = (keyword: string): ((text: string, lowerCaseText: string) => boolean) => {
  if (keyword.trim() === '') return () => false;
  if (!ASCII_KEYWORD.test(keyword)) return (text) => text.includes(keyword);
  const pattern = new RegExp(`(^|[^a-z0-9])${escapeRegExp(keyword.toLowerCase())}($|[^a-z0-9])`);
  return (_text, lower) => pattern.test(lower);
};

/** Counts of nothing yet, under the policy's targets. */
const emptyCounts = (policy: Pick<ComplaintPolicy, 'callback'>): MonthlyCounts => ({
  sites: [],
  received: 0,
  closed: 0,
  openAtMonthEnd: 0,
  byCategory: {},
  byNature: {},
  byChannel: {},
  byDepartment: {},
  stages: emptyStages(),
  callbackRounds: { resolved: 0, exempt: 0, done: 0, pending: 0 },
  callbackTarget: policy.callback.targetRate,
  satisfaction: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
  satisfiedAtMost: policy.callback.satisfiedAtMost,
  major: [],
  repeat: [],
  reopened: [],
  reopenEvents: 0,
  keywordCounts: {},
  quotas: [],
});

/** The keywords the report looks for: the policy's category, urgency and major-case lists. */
export const reportKeywords = (policy: Pick<ComplaintPolicy, 'keywords'>): string[] =>
  [...new Set([...Object.values(policy.keywords.categories).flat(), ...policy.keywords.urgent, ...policy.keywords.major])].filter((k) => k.trim() !== '');

export type SiteMonthInput = {
  siteId: string;
  /** The report's "now": pending steps due before it are late. */
  asOf: Date;
  policy: Pick<ComplaintPolicy, 'callback' | 'keywords'>;
  received: readonly ReceivedComplaint[];
  facts: readonly MonthFact[];
  openAtMonthEnd: number;
  /** People configured for the site (SITES_JSON `staff`), so someone with no activity still shows up with 0. */
  staff?: readonly Person[];
};

/**
 * Counts of one site's month. The rules, figure by figure:
 *  - received, by category / nature / channel / department: complaints received in the
 *    site-local month, by their current classification ("untriaged" until triage);
 *  - closed: ComplaintClosed events in the month; open at month end: received before the
 *    month ended and not closed by then (computed by the caller's query);
 *  - on time per step: see the file header;
 *  - callback rate (回访率): resolutions in the month (each resolution awaits one callback)
 *    less those exempted from callback (exemption reason recorded) = callable; done = those
 *    whose callback reached the complainant and was scored; rate = done ÷ callable with the
 *    domain's `callbackRate` (1 when nothing was callable), target `policy.callback.targetRate`;
 *  - satisfaction distribution: scores of the callbacks completed in the month, 1–5;
 *    satisfied = at most `policy.callback.satisfiedAtMost`;
 *  - major: received in the month and major now, or marked major during the month;
 *    repeat: received in the month as a repeat of an earlier complaint (within the policy's
 *    repeat window); reopened: reopened in the month (distinct complaints; events counted too);
 *  - recurring keywords: for each report keyword, the complaints received in the month whose
 *    title or description contains it (the domain's `containsKeyword`);
 *  - callback quotas: completed callbacks in the month per person holding a role with a
 *    `policy.callback.monthlyMinimum` — people configured for the site plus anyone in such a
 *    role who acted on the site's complaints in the month.
 */
export const countSiteMonth = (input: SiteMonthInput): MonthlyCounts => {
  const { siteId, policy } = input;
  const asOf = input.asOf.getTime();
  const counts: MonthlyCounts = { ...emptyCounts(policy), sites: [siteId], received: input.received.length, openAtMonthEnd: input.openAtMonthEnd };
  const keywords = reportKeywords(policy).map((keyword) => ({ keyword, matches: keywordMatcher(keyword) }));
  const majorIds = new Set<string>();
  const item = (c: { id: string; number: string; title: string }): CaseItem => ({ id: c.id, number: c.number, title: c.title, siteId });

  for (const c of input.received) {
    increment(counts.byCategory, c.category ?? UNTRIAGED);
    increment(counts.byNature, c.nature ?? UNTRIAGED);
    increment(counts.byChannel, c.channel);
    increment(counts.byDepartment, c.department ?? UNTRIAGED);
    if (c.major && !majorIds.has(c.id)) {
      majorIds.add(c.id);
      counts.major.push(item(c));
    }
    if (c.repeat) counts.repeat.push(item(c));
    const text = `${c.title} ${c.description}`;
    const lower = text.toLowerCase();
    for (const { keyword, matches } of keywords) if (matches(text, lower)) increment(counts.keywordCounts, keyword);
  }

  const reopenedIds = new Set<string>();
  const callbacksBy = new Map<string, QuotaCount>();
  const quotaRoles = Object.entries(policy.callback.monthlyMinimum).filter(([, n]) => n !== undefined) as [string, number][];
  const required = new Map(quotaRoles);
  const person = (p: { id: string; role: string; name?: string }): QuotaCount | undefined => {
    const minimum = required.get(p.role);
    if (minimum === undefined) return undefined;
    const key = `${p.id}\u0000${p.role}`;
    let entry = callbacksBy.get(key);
    if (!entry) {
      entry = { siteId, actorId: p.id, ...(p.name ? { name: p.name } : {}), role: p.role, callbacks: 0, required: minimum };
      callbacksBy.set(key, entry);
    } else if (!entry.name && p.name) entry.name = p.name;
    return entry;
  };
  for (const p of input.staff ?? []) person(p);

  for (const f of input.facts) {
    switch (f.kind) {
      case 'stage': {
        const stage = counts.stages[f.stage];
        if (f.outcome === 'done') {
          stage.measured++;
          if (f.breached) stage.late++;
          else stage.onTime++;
        } else if (f.outcome === 'withdrawn') {
          if (f.breached) {
            stage.measured++;
            stage.late++;
          }
        } else if (ms(f.dueAt) <= asOf) {
          stage.measured++;
          stage.late++;
        } else stage.notYetDue++;
        break;
      }
      case 'callback_round':
        counts.callbackRounds.resolved++;
        if (f.outcome === 'exempt') counts.callbackRounds.exempt++;
        else if (f.outcome === 'done') counts.callbackRounds.done++;
        else counts.callbackRounds.pending++;
        break;
      case 'callback':
        if (f.reached && f.satisfaction !== null && f.satisfaction >= 1 && f.satisfaction <= 5) {
          increment(counts.satisfaction, String(f.satisfaction));
          const entry = person(f.actor);
          if (entry) entry.callbacks++;
        } else person(f.actor);
        break;
      case 'closed':
        counts.closed++;
        break;
      case 'reopened':
        counts.reopenEvents++;
        if (!reopenedIds.has(f.complaintId)) {
          reopenedIds.add(f.complaintId);
          counts.reopened.push(item({ id: f.complaintId, number: f.number, title: f.title }));
        }
        break;
      case 'marked_major':
        if (!majorIds.has(f.complaintId)) {
          majorIds.add(f.complaintId);
          counts.major.push(item({ id: f.complaintId, number: f.number, title: f.title }));
        }
        break;
      case 'acted':
        person(f.actor);
        break;
    }
  }
  counts.quotas = [...callbacksBy.values()];
  sortItems(counts);
  return counts;
};

const byNumber = (a: CaseItem, b: CaseItem): number => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);

const sortItems = (counts: MonthlyCounts): void => {
  counts.major.sort(byNumber);
  counts.repeat.sort(byNumber);
  counts.reopened.sort(byNumber);
  counts.quotas.sort((a, b) => (a.siteId + a.role + a.actorId < b.siteId + b.role + b.actorId ? -1 : 1));
};

const addInto = (target: Record<string, number>, source: Record<string, number>): void => {
  for (const [k, v] of Object.entries(source)) increment(target, k, v);
};

/**
 * A region's or the group's counts: the sum of its sites' (each site counted in its own
 * time zone). Rates are derived afterwards from the summed numerators and denominators,
 * never averaged. One person's callbacks at several sites add up against one minimum.
 */
export const rollUpCounts = (parts: readonly MonthlyCounts[], policy: Pick<ComplaintPolicy, 'callback'>): MonthlyCounts => {
  const total: MonthlyCounts = emptyCounts(policy);
  const people = new Map<string, QuotaCount>();
  for (const part of parts) {
    total.sites.push(...part.sites);
    total.received += part.received;
    total.closed += part.closed;
    total.openAtMonthEnd += part.openAtMonthEnd;
    addInto(total.byCategory, part.byCategory);
    addInto(total.byNature, part.byNature);
    addInto(total.byChannel, part.byChannel);
    addInto(total.byDepartment, part.byDepartment);
    for (const stage of TIMED_STAGES) {
      const t = total.stages[stage];
      const p = part.stages[stage];
      t.measured += p.measured;
      t.onTime += p.onTime;
      t.late += p.late;
      t.notYetDue += p.notYetDue;
    }
    total.callbackRounds.resolved += part.callbackRounds.resolved;
    total.callbackRounds.exempt += part.callbackRounds.exempt;
    total.callbackRounds.done += part.callbackRounds.done;
    total.callbackRounds.pending += part.callbackRounds.pending;
    addInto(total.satisfaction, part.satisfaction);
    total.major.push(...part.major);
    total.repeat.push(...part.repeat);
    total.reopened.push(...part.reopened);
    total.reopenEvents += part.reopenEvents;
    addInto(total.keywordCounts, part.keywordCounts);
    for (const q of part.quotas) {
      const key = `${q.actorId}\u0000${q.role}`;
      const entry = people.get(key);
      if (entry) {
        entry.callbacks += q.callbacks;
        entry.required = Math.max(entry.required, q.required);
        if (!entry.name && q.name) entry.name = q.name;
        if (!entry.siteId.split(',').includes(q.siteId)) entry.siteId = `${entry.siteId},${q.siteId}`;
      } else people.set(key, { ...q });
    }
  }
  total.quotas = [...people.values()];
  sortItems(total);
  return total;
};

// ---------------------------------------------------------------------------------------------
// Part 3 — the figures shown: rates, shares, rankings, shortfalls

export type RateFigure = StageCount & { rate: number | null };

export type KeyCount = { key: string; count: number };

export type MonthlyFigures = {
  totals: { received: number; closed: number; openAtMonthEnd: number };
  byCategory: KeyCount[];
  byNature: KeyCount[];
  byChannel: KeyCount[];
  byDepartment: KeyCount[];
  onTime: Record<TimedStage, RateFigure>;
  callback: { resolved: number; exempt: number; callable: number; done: number; pending: number; rate: number; target: number; meetsTarget: boolean };
  satisfaction: { responses: number; distribution: Record<'1' | '2' | '3' | '4' | '5', number>; satisfied: number; satisfiedRate: number | null; average: number | null };
  major: { count: number; items: CaseItem[] };
  repeat: { count: number; items: CaseItem[] };
  reopened: { count: number; events: number; items: CaseItem[] };
  topIssues: { categories: (KeyCount & { share: number })[]; keywords: { keyword: string; complaints: number }[] };
  callbackQuotas: (QuotaCount & { missing: number; met: boolean })[];
};

const ranked = (counts: Record<string, number>): KeyCount[] =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** Rounded to 4 decimals so JSON, CSV and the tests agree (0.6667 = 66.67 %). */
export const ratio = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000);

export const TOP_CATEGORIES = 5;
export const TOP_KEYWORDS = 10;
/** A keyword is "recurring" when at least this many complaints of the month contain it. */
export const RECURRING_AT_LEAST = 2;

export const presentFigures = (counts: MonthlyCounts, policy: Pick<ComplaintPolicy, 'callback'>): MonthlyFigures => {
  const onTime = Object.fromEntries(
    TIMED_STAGES.map((stage) => {
      const s = counts.stages[stage];
      return [stage, { ...s, rate: ratio(s.onTime, s.measured) }];
    }),
  ) as Record<TimedStage, RateFigure>;
  const rounds = counts.callbackRounds;
  const callable = rounds.resolved - rounds.exempt;
  const rate = Math.round(callbackRate(rounds.done, callable) * 10_000) / 10_000;
  const responses = Object.values(counts.satisfaction).reduce((a, b) => a + b, 0);
  const satisfied = (Object.entries(counts.satisfaction) as [string, number][]).filter(([score]) => Number(score) <= counts.satisfiedAtMost).reduce((a, [, n]) => a + n, 0);
  const scoreSum = (Object.entries(counts.satisfaction) as [string, number][]).reduce((a, [score, n]) => a + Number(score) * n, 0);
  const shortfalls = callbackQuotaShortfalls(
    counts.quotas.map((q) => ({ actorId: q.actorId, role: q.role as Role, callbacks: q.callbacks })),
    { callback: { ...policy.callback, monthlyMinimum: Object.fromEntries(counts.quotas.map((q) => [q.role, q.required])) } },
  );
  return {
    totals: { received: counts.received, closed: counts.closed, openAtMonthEnd: counts.openAtMonthEnd },
    byCategory: ranked(counts.byCategory),
    byNature: ranked(counts.byNature),
    byChannel: ranked(counts.byChannel),
    byDepartment: ranked(counts.byDepartment),
    onTime,
    callback: {
      resolved: rounds.resolved,
      exempt: rounds.exempt,
      callable,
      done: rounds.done,
      pending: rounds.pending,
      rate,
      target: counts.callbackTarget,
      meetsTarget: rate >= counts.callbackTarget,
    },
    satisfaction: {
      responses,
      distribution: { ...counts.satisfaction },
      satisfied,
      satisfiedRate: ratio(satisfied, responses),
      average: responses === 0 ? null : Math.round((scoreSum / responses) * 100) / 100,
    },
    major: { count: counts.major.length, items: counts.major },
    repeat: { count: counts.repeat.length, items: counts.repeat },
    reopened: { count: counts.reopened.length, events: counts.reopenEvents, items: counts.reopened },
    topIssues: {
      categories: ranked(counts.byCategory)
        .slice(0, TOP_CATEGORIES)
        .map((c) => ({ ...c, share: ratio(c.count, counts.received) ?? 0 })),
      keywords: ranked(counts.keywordCounts)
        .filter((k) => k.count >= RECURRING_AT_LEAST)
        .slice(0, TOP_KEYWORDS)
        .map((k) => ({ keyword: k.key, complaints: k.count })),
    },
    callbackQuotas: counts.quotas.map((q) => {
      const shortfall = shortfalls.find((s) => s.actorId === q.actorId && s.role === q.role);
      return { ...q, missing: shortfall?.missing ?? 0, met: shortfall === undefined };
    }),
  };
};
