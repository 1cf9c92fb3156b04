import { containsKeyword, resolvePolicy } from '@complaints/domain';
import { ComplaintStory, actors, cst } from '../testing/complaint-story';
import { countSiteMonth, defaultReportMonth, foldReportFacts, keywordMatcher, reportKeywords, type MonthFact, type ReportFold, type StageFact, type TimedStage } from './monthly-report.rules';

/**
 * The timeliness rules of monthly-report.rules.ts, one at a time, on histories produced by
 * the domain's decider (default policy, Shanghai calendar; March 2025 has no public holiday).
 */
const policy = resolvePolicy([]);
const SITE = 'site-u';

const foldStory = (story: ComplaintStory): ReportFold => {
  let fold: ReportFold | undefined;
  for (const e of story.events) fold = foldReportFacts(fold, { type: e.type, data: e.data as unknown as Record<string, unknown> });
  if (!fold) throw new Error('nothing folded');
  return fold;
};

const stages = (fold: ReportFold, stage: TimedStage): StageFact[] => fold.facts.filter((f): f is StageFact => f.kind === 'stage' && f.stage === stage);

const measure = (fold: ReportFold, asOf: string) =>
  countSiteMonth({
    siteId: SITE,
    asOf: new Date(asOf),
    policy,
    received: [],
    facts: fold.facts.map((f) => ({ ...f, complaintId: fold.complaint.id, number: fold.complaint.number, title: fold.complaint.title }) as MonthFact),
    openAtMonthEnd: 0,
  }).stages;

const registered = (at = '2025-03-03 10:00') => new ComplaintStory().register(cst(at), { number: 'U-1', siteId: SITE });

describe('Rule: the deadline in force is read from the events', () => {
  it('should open a first-reply occurrence due 24 h after receipt when a complaint is registered', () => {
    const fold = foldStory(registered());
    expect(stages(fold, 'firstReply')).toEqual([
      { kind: 'stage', stage: 'firstReply', startedAt: cst('2025-03-03 10:00'), dueAt: cst('2025-03-04 10:00'), endedAt: null, outcome: 'pending', breached: false },
    ]);
  });

  it('should move the resolution’s due time to the plan’s date within the special-case limit, and count it on time against that date', () => {
    const fold = foldStory(registered().triage(cst('2025-03-03 11:00')).plan(cst('2025-03-04 10:00'), cst('2025-03-11 18:00')).resolve(cst('2025-03-11 17:00')));
    expect(stages(fold, 'resolve')).toEqual([expect.objectContaining({ dueAt: cst('2025-03-11 18:00'), outcome: 'done', breached: false })]);
  });

  it('should measure a resolution whose approved extension runs past the limit against the limit (seed: 7 working days for special cases), not the moved date', () => {
    // Received Monday 03-03: 7 working days end on Wednesday 03-12; the CS manager's plan extends to 03-20.
    const fold = foldStory(registered().triage(cst('2025-03-03 11:00')).plan(cst('2025-03-04 10:00'), cst('2025-03-20 18:00'), actors.csManager).resolve(cst('2025-03-19 10:00')));
    expect(fold.complaint.deadlines).toEqual({ callback: expect.any(String) });
    expect(stages(fold, 'resolve')).toEqual([expect.objectContaining({ dueAt: '2025-03-12T15:59:59.999Z', outcome: 'done', breached: true })]);
    expect(measure(fold, '2025-04-01T00:00:00Z').resolve).toEqual({ measured: 1, onTime: 0, late: 1, notYetDue: 0 });
  });
});

describe('Rule: a step done after its due time is late', () => {
  it('should mark a first reply given 25 h after receipt late', () => {
    const fold = foldStory(registered().firstReply(cst('2025-03-04 11:00')));
    expect(stages(fold, 'firstReply')[0]).toMatchObject({ outcome: 'done', breached: true, endedAt: cst('2025-03-04 11:00') });
    expect(measure(fold, '2025-04-01T00:00:00Z').firstReply).toEqual({ measured: 1, onTime: 0, late: 1, notYetDue: 0 });
  });

  it('should keep a step late once its deadline has passed, even if a later event moves the deadline', () => {
    // Resolution due end of 03-06 (3 working days from receipt on 03-03); a plan recorded on 03-07
    // moves it to 03-11, but the resolution was already overdue when the plan came.
    const fold = foldStory(
      registered()
        .triage(cst('2025-03-03 11:00'))
        .firstReply(cst('2025-03-03 12:00'))
        .plan(cst('2025-03-07 09:00'), cst('2025-03-11 18:00'))
        .resolve(cst('2025-03-10 10:00')),
    );
    expect(stages(fold, 'resolve')[0]).toMatchObject({ dueAt: cst('2025-03-11 18:00'), outcome: 'done', breached: true });
  });
});

describe('Rule: a step no longer owed is measured only if it had already been missed', () => {
  it('should not measure a plan made unnecessary by a resolution before the plan was due', () => {
    const fold = foldStory(registered().triage(cst('2025-03-03 11:00')).firstReply(cst('2025-03-03 12:00')).resolve(cst('2025-03-04 10:00')));
    expect(stages(fold, 'plan')[0]).toMatchObject({ outcome: 'withdrawn', breached: false });
    expect(measure(fold, '2025-04-01T00:00:00Z').plan).toEqual({ measured: 0, onTime: 0, late: 0, notYetDue: 0 });
  });

  it('should measure as late a plan that was still missing when its deadline had passed', () => {
    // plan due end of 03-06; resolved 03-10.
    const fold = foldStory(registered().triage(cst('2025-03-03 11:00')).firstReply(cst('2025-03-03 12:00')).resolve(cst('2025-03-10 10:00')));
    expect(measure(fold, '2025-04-01T00:00:00Z').plan).toEqual({ measured: 1, onTime: 0, late: 1, notYetDue: 0 });
  });
});

describe('Rule: an invalid complaint is handled by its explanation', () => {
  it('should count the resolution done when the first reply explains an invalid complaint (same instant)', () => {
    const fold = foldStory(registered().triage(cst('2025-03-03 11:00'), { nature: 'invalid', invalidReason: 'rumour' }).firstReply(cst('2025-03-03 15:00')));
    expect(stages(fold, 'resolve')).toEqual([expect.objectContaining({ outcome: 'done', endedAt: cst('2025-03-03 15:00'), breached: false })]);
    expect(fold.facts.filter((f) => f.kind === 'closed')).toHaveLength(1);
  });
});

describe('Rule: a pending step counts as late once its due time has passed at the report’s asOf', () => {
  const fold = foldStory(registered('2025-03-31 10:00'));
  it('should not measure a first reply due 1 April 10:00 on 1 April 09:00', () => {
    expect(measure(fold, cst('2025-04-01 09:00')).firstReply).toEqual({ measured: 0, onTime: 0, late: 0, notYetDue: 1 });
  });
  it('should measure it late on 1 April 11:00', () => {
    expect(measure(fold, cst('2025-04-01 11:00')).firstReply).toEqual({ measured: 1, onTime: 0, late: 1, notYetDue: 0 });
  });
});

describe('Rule: callback rounds and attempts', () => {
  const story = registered()
    .triage(cst('2025-03-03 11:00'))
    .firstReply(cst('2025-03-03 12:00'))
    .resolve(cst('2025-03-04 10:00'))
    .unreached(cst('2025-03-05 10:00'), actors.csManager)
    .callback(cst('2025-03-05 15:00'), 4, actors.csManager)
    .firstReply(cst('2025-03-05 16:00'))
    .resolve(cst('2025-03-06 10:00'))
    .exempt(cst('2025-03-06 11:00'), 'sensitive', actors.csManager, '涉及隐私');
  const fold = foldStory(story);

  it('should open one round per resolution: the first done with its score, the second exempt', () => {
    expect(fold.facts.filter((f) => f.kind === 'callback_round').map((f) => f.kind === 'callback_round' && [f.outcome, f.satisfaction])).toEqual([
      ['done', 4],
      ['exempt', null],
    ]);
  });

  it('should record both attempts, only the second reached', () => {
    expect(fold.facts.filter((f) => f.kind === 'callback').map((f) => f.kind === 'callback' && [f.reached, f.satisfaction, f.actor.id])).toEqual([
      [false, null, 'u-cs-manager'],
      [true, 4, 'u-cs-manager'],
    ]);
  });

  it('should record the reopening and the closing as milestones', () => {
    expect(fold.facts.filter((f) => f.kind === 'reopened' || f.kind === 'closed').map((f) => f.kind)).toEqual(['reopened', 'closed']);
  });

  it('should never mutate the facts it was given (a batch tells changed facts by comparison)', () => {
    const before = foldStory(new ComplaintStory(story.id).register(cst('2025-03-03 10:00'), { number: 'U-1', siteId: SITE }));
    const snapshot = JSON.stringify(before);
    foldReportFacts(before, { type: 'FirstReplyGiven', data: story.events[2].data as unknown as Record<string, unknown> });
    expect(JSON.stringify(before)).toBe(snapshot);
  });
});

describe('Rule: recurring keywords are found as the domain finds them (containsKeyword)', () => {
  const texts = ['3栋电梯困人，有人被困', 'The LIFT is broken again', 'lifting weights', 'gas smell near the 燃气 meter', '楼上装修噪音，很吵', 'fee-bill mismatch', ''];
  it('should agree with the domain on every report keyword and sample text', () => {
    for (const keyword of [...reportKeywords(policy), 'a.b', 'c++']) {
      const matches = keywordMatcher(keyword);
      for (const text of texts) expect([keyword, text, matches(text, text.toLowerCase())]).toEqual([keyword, text, containsKeyword(text, keyword)]);
    }
  });
});

describe('Rule: a report without a month covers the current month in the site’s time zone', () => {
  it('should give April at 00:30 on 1 April in Shanghai, while it is still March in UTC', () => {
    // given 31 March 16:30 UTC = 1 April 00:30 in Shanghai; when no month is asked for; then April
    expect(defaultReportMonth(new Date('2025-03-31T16:30:00Z'), 'Asia/Shanghai')).toBe('2025-04');
  });
  it('should give March for the same instant at a site in UTC, and December at new year’s eve in Shanghai', () => {
    expect(defaultReportMonth(new Date('2025-03-31T16:30:00Z'), 'UTC')).toBe('2025-03');
    expect(defaultReportMonth(new Date('2025-12-31T15:59:59Z'), 'Asia/Shanghai')).toBe('2025-12');
    expect(defaultReportMonth(new Date('2025-12-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-01');
  });
});
