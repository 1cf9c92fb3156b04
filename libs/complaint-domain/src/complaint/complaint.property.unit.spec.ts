/**
 * Property-based: random command sequences, random actors, random times. Whatever happens,
 * the complaint never reaches an impossible state, and once closed it is never handled again.
 */
import fc from 'fast-check';
import { DEFAULT_POLICY, topEscalationLevel } from '../policy/policy';
import { SYSTEM_ACTOR, type Actor } from '../common/actor';
import { DomainError, ForbiddenError, InvalidStateError } from '../common/domain-errors';
import { isIsoInstant } from '../common/iso-time';
import { COMPLAINT_ID, T0, actors, plusMinutes, registrationData } from '../testing/complaint.fixtures';
import type { ComplaintCommand, TriageComplaintData } from './complaint.commands';
import { deadlineActionKey } from './complaint.deadlines';
import { decide } from './complaint.decider';
import type { ComplaintEvent } from './complaint.events';
import { evolve, initialState, type Complaint, type ComplaintState } from './complaint.state';
import { CHANNELS, COMPLAINT_STATUSES, DEADLINE_NAMES, type DeadlineName } from './complaint.types';
import { reviewDeadlines } from './deadline-scheduler';

const ACTORS: Actor[] = Object.values(actors);
const actorArb = fc.constantFrom(...ACTORS);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** `actor` is used as is when `anyone`; otherwise a permitted role is picked (index `pick`) so sequences get far. */
type Intent = { kind: string; actor: Actor; anyone: boolean; pick: number; minutes: number; p: Record<string, unknown> };

const intent = (kind: string, p: fc.Arbitrary<Record<string, unknown>> = fc.constant({})): fc.Arbitrary<Intent> =>
  fc.record({
    kind: fc.constant(kind),
    actor: actorArb,
    anyone: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    pick: fc.nat(10),
    minutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
    p,
  });

const actorFor = (i: Intent, type: ComplaintCommand['type']): Actor => {
  if (i.anyone) return i.actor;
  const roles = DEFAULT_POLICY.permissions[type];
  const candidates = ACTORS.filter((a) => roles.includes(a.role));
  return candidates.length === 0 ? i.actor : candidates[i.pick % candidates.length];
};

const triageIntent = intent(
  'triage',
  fc.record({
    nature: fc.constantFrom('valid', 'to_be_improved', 'invalid'),
    severity: fc.constantFrom('minor', 'important', 'major'),
    urgency: fc.constantFrom('normal', 'urgent', 'emergency'),
    major: optional(fc.boolean()),
    category: fc.constantFrom('repairs', 'facilities', 'repairs', 'cleaning', 'security', 'ufo'),
    department: fc.constantFrom('engineering', 'security'),
    assignee: fc.constantFrom('u-handler', 'u-handler-2', null),
  }),
);

/** Weighted so that sequences often get through triage, handling and callback to closing and beyond. */
const intents: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 1, arbitrary: intent('register') },
  { weight: 1, arbitrary: intent('correct', fc.record({ field: fc.constantFrom('title', 'householdCount', 'channel', 'complainant.phone', 'status'), value: fc.constantFrom('新标题', 12, 'media', '13900000000', null) })) },
  { weight: 1, arbitrary: intent('refer') },
  { weight: 8, arbitrary: triageIntent },
  { weight: 6, arbitrary: intent('reply', fc.record({ kind: fc.constantFrom('first', 'second', 'progress'), resolvedOnSpot: fc.boolean(), nextReplyHours: optional(fc.integer({ min: -5, max: 100 })) })) },
  { weight: 3, arbitrary: intent('plan', fc.record({ dueHours: fc.integer({ min: -5, max: 200 }) })) },
  { weight: 6, arbitrary: intent('resolve', fc.record({ capa: fc.boolean() })) },
  { weight: 1, arbitrary: intent('escalate') },
  { weight: 1, arbitrary: intent('reassign', fc.record({ department: fc.constantFrom('engineering', 'security', 'cleaning'), assignee: fc.constantFrom('u-handler', 'u-handler-2', null) })) },
  { weight: 1, arbitrary: intent('markMajor', fc.record({ reasons: fc.subarray(['litigation', 'media', 'serious_harm'], { minLength: 1 }) })) },
  { weight: 2, arbitrary: intent('callback', fc.record({ method: fc.constantFrom('phone', 'visit', 'message_board'), reached: fc.boolean(), satisfaction: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, null) })) },
  { weight: 5, arbitrary: intent('callback', fc.record({ method: fc.constantFrom('phone', 'visit'), reached: fc.constant(true), satisfaction: fc.integer({ min: 1, max: 5 }) })) },
  { weight: 2, arbitrary: intent('exempt', fc.record({ reason: fc.constantFrom('on_spot_confirmed', 'anonymous', 'no_contact', 'sensitive'), note: optional(fc.constant('说明')) })) },
  { weight: 1, arbitrary: intent('chase', fc.record({ index: fc.nat(6) })) },
  { weight: 1, arbitrary: intent('escalateOverdue', fc.record({ index: fc.nat(6), step: fc.integer({ min: 1, max: 3 }) })) },
  { weight: 3, arbitrary: intent('scheduler') },
  { weight: 1, arbitrary: intent('compensation', fc.record({ amount: fc.constantFrom(100, 5_000, 50_000) })) },
  { weight: 1, arbitrary: intent('outreach') },
  { weight: 2, arbitrary: intent('archive', fc.record({ year: optional(fc.constantFrom(2024, 2025, 2026)) })) },
);

const registration = fc.record({
  householdCount: fc.integer({ min: 1, max: 15 }),
  channel: fc.constantFrom(...CHANNELS),
  anonymous: fc.boolean(),
  subjects: fc.subarray(['u-handler-2', 'u-assistant']),
  repeatCount: optional(fc.integer({ min: 0, max: 3 })),
});

const START = '2025-11-20T02:00:00.000Z';
const later = (now: string, hours: number) => plusMinutes(now, hours * 60);

/** Turns an intent into a command (or several, for the scheduler) against the current state. */
const toCommands = (i: Intent, state: ComplaintState, now: string): ComplaintCommand[] =>
  buildCommands(i, state, now).map((cmd) => (i.kind === 'scheduler' || i.kind === 'chase' || i.kind === 'escalateOverdue' ? cmd : ({ ...cmd, metadata: { ...cmd.metadata, actor: actorFor(i, cmd.type) } } as ComplaintCommand)));

const buildCommands = (i: Intent, state: ComplaintState, now: string): ComplaintCommand[] => {
  const meta = { now, actor: i.actor };
  const p = i.p as never as Record<string, never>;
  const deadlineAt = (index: number): [DeadlineName, string] | undefined => {
    if (!state.exists) return undefined;
    const entries = Object.entries(state.deadlines) as [DeadlineName, string][];
    return entries.length === 0 ? undefined : entries[index % entries.length];
  };
  switch (i.kind) {
    case 'register':
      return [{ type: 'RegisterComplaint', data: registrationData({ receivedAt: now }), metadata: meta }];
    case 'correct':
      return [{ type: 'CorrectComplaint', data: { field: p.field, value: p.value, reason: '更正' }, metadata: meta }];
    case 'refer':
      return [{ type: 'ReferComplaintToManager', data: { reason: '无法判断' }, metadata: meta }];
    case 'triage':
      return [{ type: 'TriageComplaint', data: i.p as unknown as TriageComplaintData, metadata: meta }];
    case 'reply':
      return [
        {
          type: 'RecordReply',
          data: { kind: p.kind, message: '答复', resolvedOnSpot: p.resolvedOnSpot, nextReplyDueAt: p.nextReplyHours === undefined ? undefined : later(now, p.nextReplyHours) },
          metadata: meta,
        },
      ];
    case 'plan':
      return [{ type: 'RecordRectificationPlan', data: { measures: '整改', dueAt: later(now, p.dueHours) }, metadata: meta }];
    case 'resolve':
      return [
        {
          type: 'ResolveComplaint',
          data: p.capa ? { resolution: '已处理', rootCause: '老化', responsibleDepartment: 'engineering', correctiveActions: '更换', preventiveActions: '巡检' } : { resolution: '已处理' },
          metadata: meta,
        },
      ];
    case 'escalate':
      return [{ type: 'EscalateComplaint', data: { reason: '升级' }, metadata: meta }];
    case 'reassign':
      return [{ type: 'ReassignComplaint', data: { department: p.department, assignee: p.assignee, reason: '转派' }, metadata: meta }];
    case 'markMajor':
      return [{ type: 'MarkComplaintMajor', data: { reasons: p.reasons }, metadata: meta }];
    case 'callback':
      return [{ type: 'RecordCallback', data: { method: p.method, reached: p.reached, satisfaction: p.satisfaction }, metadata: meta }];
    case 'exempt':
      return [{ type: 'ExemptFromCallback', data: { reason: p.reason, note: p.note }, metadata: meta }];
    case 'chase': {
      const d = deadlineAt(p.index);
      return d ? [{ type: 'ChaseOverdueDeadline', data: { deadline: d[0], dueAt: d[1], key: deadlineActionKey(COMPLAINT_ID, d[0], d[1], 'chase') }, metadata: { now, actor: SYSTEM_ACTOR } }] : [];
    }
    case 'escalateOverdue': {
      const d = deadlineAt(p.index);
      return d
        ? [{ type: 'EscalateOverdueDeadline', data: { deadline: d[0], dueAt: d[1], step: p.step, key: deadlineActionKey(COMPLAINT_ID, d[0], d[1], `escalate:${p.step}`) }, metadata: { now, actor: SYSTEM_ACTOR } }]
        : [];
    }
    case 'scheduler':
      return reviewDeadlines(state, now).commands;
    case 'compensation':
      return [{ type: 'ApproveCompensation', data: { amount: p.amount, reason: '补偿' }, metadata: meta }];
    case 'outreach':
      return [{ type: 'RecordOutreach', data: { kind: 'public_notice', note: '公告' }, metadata: meta }];
    case 'archive':
      return [{ type: 'ArchiveComplaint', data: { year: p.year }, metadata: meta }];
    default:
      throw new Error(`unknown intent ${i.kind}`);
  }
};

const HANDLING_EVENTS = new Set<ComplaintEvent['type']>([
  'ComplaintTriaged',
  'FirstReplyGiven',
  'SecondReplyGiven',
  'ProgressNoted',
  'RectificationPlanRecorded',
  'ComplaintResolved',
  'InvalidComplaintExplained',
  'ComplaintEscalated',
  'ComplaintReassigned',
  'DeadlineChased',
  'CallbackUnreached',
  'CallbackCompleted',
  'CallbackExempted',
  'ComplaintReopened',
  'CompensationApproved',
  'ComplaintMarkedMajor',
  'ComplaintReferredToManager',
  'ComplaintClosed',
]);

/** What can never be true of a complaint, whatever happened to it. */
const impossibilities = (c: Complaint, eventCount: number): string[] => {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  expect(COMPLAINT_STATUSES.includes(c.status), `unknown status ${c.status}`);
  if (['triaged', 'in_progress', 'reopened'].includes(c.status) && c.triagedAt !== undefined) {
    expect(c.nature !== undefined && c.category !== undefined && c.department !== undefined, 'triaged without classification');
  }
  expect(c.status !== 'triaged' || c.triagedAt !== undefined, 'triaged status without triage');
  expect(c.status !== 'reopened' || c.reopenCount >= 1, 'reopened without reopen count');
  if (c.status === 'closed') {
    expect(c.closedAt !== undefined && c.closeBasis !== undefined, 'closed without time or basis');
    expect(Object.keys(c.deadlines).length === 0, 'closed with running deadlines');
  } else {
    expect(c.closedAt === undefined, 'closedAt on an open complaint');
  }
  if (c.status === 'resolved') {
    expect(c.resolution !== undefined, 'resolved without resolution');
    expect(Object.keys(c.deadlines).every((d) => d === 'callback') && c.deadlines.callback !== undefined, `resolved with deadlines ${Object.keys(c.deadlines)}`);
  }
  expect(!c.archived || c.status === 'closed', 'archived but not closed');
  expect(c.major === c.majorReasons.length > 0, 'major flag and reasons disagree');
  expect(!c.major || c.nature !== 'invalid', 'invalid complaint flagged major');
  expect(c.nature !== 'invalid' || !['resolved', 'reopened'].includes(c.status), `invalid complaint ${c.status}`);
  expect(c.closeBasis !== 'invalid_explained' || c.nature === 'invalid', 'explained-invalid close on a complaint that is not invalid');
  expect(c.closeBasis !== 'understood' || c.nature === 'to_be_improved', 'closed on understanding but not to-be-improved');
  expect(c.escalationLevel >= 0 && c.escalationLevel <= topEscalationLevel(DEFAULT_POLICY), `escalation level ${c.escalationLevel}`);
  // Only natures that close unreached (not valid, never major: seeds close those on acceptance / after the visit) stop at the last attempt.
  const closesUnreached = c.nature !== undefined && DEFAULT_POLICY.callback.closeUnreachedFor.includes(c.nature) && !c.major;
  expect(!closesUnreached || c.callbackAttempts <= DEFAULT_POLICY.callback.maxAttempts, 'more callback attempts than allowed');
  expect(!closesUnreached || c.status === 'closed' || c.callbackAttempts < DEFAULT_POLICY.callback.maxAttempts, 'attempts exhausted but still open');
  expect(c.status === 'registered' || c.status === 'closed' || c.nature !== undefined, `${c.status} without a nature`);
  expect(c.status !== 'closed' || c.nature !== undefined, 'closed without a nature (never triaged)');
  expect(c.satisfaction === undefined || [1, 2, 3, 4, 5].includes(c.satisfaction), `satisfaction ${c.satisfaction}`);
  expect(Object.entries(c.deadlines).every(([name, at]) => DEADLINE_NAMES.includes(name as DeadlineName) && isIsoInstant(at)), 'bad deadline');
  expect(new Set(c.processedKeys).size === c.processedKeys.length, 'a scheduler key applied twice');
  expect(c.version === eventCount, `version ${c.version} after ${eventCount} events`);
  return problems;
};

describe('Random command sequences (property-based)', () => {
  it('should never reach an impossible state, and never let a closed complaint be handled', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(registration, fc.array(intents, { minLength: 5, maxLength: 60, size: 'max' }), (reg, steps) => {
        // Starts late in the year so that sequences cross the year end (sealing) and the 2026 holidays.
        let now = START;
        const repeatOf = reg.repeatCount === undefined ? undefined : { complaintId: 'earlier', receivedAt: '2025-11-01T02:00:00.000Z', repeatCount: reg.repeatCount };
        const data = registrationData({
          receivedAt: START,
          householdCount: reg.householdCount,
          channel: reg.channel,
          complainant: reg.anonymous ? { anonymous: true } : { name: '业主', phone: '13800138000', anonymous: false },
          subjectEmployeeIds: reg.subjects,
          relatedComplaintId: repeatOf?.complaintId,
          repeatOf,
        });
        const events: ComplaintEvent[] = decide({ type: 'RegisterComplaint', data, metadata: { now, actor: actors.dutyOfficer } }, initialState());
        let state = events.reduce(evolve, initialState());
        let closedSeen = false;
        for (const step of steps) {
          now = plusMinutes(now, step.minutes);
          for (const cmd of toCommands(step, state, now)) {
            let decided: ComplaintEvent[] = [];
            try {
              decided = decide(cmd, state);
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
              continue;
            }
            if (closedSeen) {
              const handled = decided.filter((e) => HANDLING_EVENTS.has(e.type));
              if (handled.length > 0) throw new Error(`closed complaint handled by ${cmd.type}: ${handled.map((e) => e.type)}`);
            }
            for (const event of decided) {
              state = evolve(state, event);
              events.push(event);
              if (!state.exists) throw new Error('complaint vanished');
              const problems = impossibilities(state, events.length);
              if (problems.length > 0) throw new Error(`after ${event.type}: ${problems.join('; ')}`);
            }
            if (state.exists && closedSeen && state.status !== 'closed') throw new Error(`closed complaint became ${state.status}`);
            if (state.exists && state.status === 'closed') closedSeen = true;
          }
        }
        if (state.exists) reached.add(state.status);
        if (state.exists && state.archived) reached.add('archived');
        if (state.exists && state.reopenCount > 0) reached.add('reopened once');
        if (state.exists && state.processedKeys.length > 0) reached.add('scheduler acted');
        // Events are plain JSON: a store round trip folds to the same state.
        const replayed = (JSON.parse(JSON.stringify(events)) as ComplaintEvent[]).reduce(evolve, initialState());
        return JSON.stringify(replayed) === JSON.stringify(state);
      }),
      { numRuns: 400 },
    );
    // The generator really exercises the whole lifecycle (otherwise the property proves little).
    expect([...reached]).toEqual(expect.arrayContaining(['archived', 'closed', 'in_progress', 'registered', 'reopened once', 'resolved', 'scheduler acted', 'triaged']));
  });

  it('should refuse every handling command on a closed complaint with an invalid-state error naming "closed"', () => {
    const closedHistory = (() => {
      const h = decide({ type: 'RegisterComplaint', data: registrationData(), metadata: { now: T0, actor: actors.dutyOfficer } }, initialState());
      const steps: ComplaintCommand[] = [
        { type: 'TriageComplaint', data: { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' }, metadata: { now: T0, actor: actors.dutyOfficer } },
        { type: 'RecordReply', data: { kind: 'first', message: '已处理', resolvedOnSpot: true }, metadata: { now: T0, actor: actors.assistant } },
        { type: 'RecordCallback', data: { method: 'phone', reached: true, satisfaction: 1 }, metadata: { now: T0, actor: actors.assistant } },
      ];
      for (const cmd of steps) h.push(...decide(cmd, h.reduce(evolve, initialState())));
      return h;
    })();
    const closed = closedHistory.reduce(evolve, initialState());
    expect(closed.exists && closed.status).toBe('closed');
    const permitted = (type: ComplaintCommand['type']): Actor => {
      const role = DEFAULT_POLICY.permissions[type][0];
      return ACTORS.find((a) => a.role === role) as Actor;
    };
    fc.assert(
      fc.property(intents, (i) => {
        if (['scheduler', 'chase', 'escalateOverdue', 'correct', 'outreach', 'archive', 'register'].includes(i.kind)) return true;
        for (const cmd of toCommands(i, closed, later(T0, 1))) {
          const withRole = { ...cmd, metadata: { ...cmd.metadata, actor: permitted(cmd.type) } } as ComplaintCommand;
          try {
            decide(withRole, closed);
            return false;
          } catch (error) {
            if (error instanceof ForbiddenError) continue; // e.g. compensation above the first permitted role's limit
            if (!(error instanceof InvalidStateError) || error.currentStatus !== 'closed') return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
