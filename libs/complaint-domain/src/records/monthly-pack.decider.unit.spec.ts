import { SYSTEM_ACTOR, type Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { DEFAULT_POLICY, deepMerge, type ComplaintPolicy } from '../index';
import { deciderSpecification } from '../testing/decider-spec';
import {
  monthlyPackDecider,
  nextChaseDate,
  previousMonthOf,
  type ChaseMonthlyPackSignOff,
  type GenerateMonthlyPack,
  type MonthlyPackEvent,
  type SignOffMonthlyPack,
  type SnapshotFile,
} from './monthly-pack.decider';

const policy = DEFAULT_POLICY;
const given = deciderSpecification(monthlyPackDecider, { policy });
const manager: Actor = { id: 'u-csm', role: 'cs_manager', name: '陈经理' };
const assistant: Actor = { id: 'u-ast', role: 'cs_assistant' };
const PDF: SnapshotFile = { format: 'pdf', sha256: 'a'.repeat(64), bytes: 2048 };
const JSON_FILE: SnapshotFile = { format: 'json', sha256: 'b'.repeat(64), bytes: 512 };
// Shanghai is UTC+8: 2026-04-01T01:00+08:00 is 2026-03-31T17:00Z.
const APRIL_1 = '2026-03-31T17:00:00.000Z';
const APRIL_3_EVENING = '2026-04-03T12:00:00.000Z';
const APRIL_4_MORNING = '2026-04-04T01:00:00.000Z';

const generate = (now = APRIL_1, actor: Actor = SYSTEM_ACTOR, month = '2026-03', files = [PDF, JSON_FILE]): GenerateMonthlyPack => ({
  type: 'GenerateMonthlyPack',
  data: { siteId: 'site-a', month, files },
  metadata: { now, actor },
});
const signOff = (now: string, sha256 = PDF.sha256, actor: Actor = manager): SignOffMonthlyPack => ({ type: 'SignOffMonthlyPack', data: { siteId: 'site-a', month: '2026-03', sha256 }, metadata: { now, actor } });
const chase = (now: string, actor: Actor = SYSTEM_ACTOR): ChaseMonthlyPackSignOff => ({ type: 'ChaseMonthlyPackSignOff', data: { siteId: 'site-a', month: '2026-03' }, metadata: { now, actor } });
const generated: MonthlyPackEvent = { type: 'MonthlyPackGenerated', data: { siteId: 'site-a', month: '2026-03', files: [PDF, JSON_FILE], dueBy: '2026-04-03', at: APRIL_1, by: SYSTEM_ACTOR } };

describe('Monthly pack (月度统计报告): snapshot, sign-off and chasing', () => {
  describe('Rule: a month’s pack is generated once the month is over in the site’s time zone', () => {
    it('should generate March’s pack on 1 April (site-local), due by the policy’s day of April', () => {
      given([]).when(generate()).then([generated]);
    });

    it('should take the due day from the policy (monthlyReportDueDay)', () => {
      const fifth = deepMerge(DEFAULT_POLICY, { reporting: { monthlyReportDueDay: 5 } }) as ComplaintPolicy;
      const events = deciderSpecification(monthlyPackDecider, { policy: fifth })([]).when(generate()).events();
      expect(events[0].data).toMatchObject({ dueBy: '2026-04-05' });
    });

    it('should refuse while the month is still running (31 March 23:00 in Shanghai, already 1 April nowhere it counts)', () => {
      given([])
        .when(generate('2026-03-31T15:00:00.000Z'))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'month', problem: 'the pack of 2026-03 can be generated from 2026-04-01 on' }]));
    });

    it('should refuse a file without its SHA-256, naming it', () => {
      given([])
        .when(generate(APRIL_1, SYSTEM_ACTOR, '2026-03', [{ format: 'pdf', sha256: 'nope', bytes: 1 }]))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['files[0]']));
    });

    it('should refuse a role outside management', () => {
      given([]).when(generate(APRIL_1, assistant)).thenThrows(ForbiddenError);
    });
  });

  describe('Rule: the snapshot is immutable — generating again changes nothing', () => {
    it('should not generate a second snapshot, whatever the new bytes', () => {
      given([generated]).when(generate('2026-04-02T01:00:00.000Z', manager, '2026-03', [{ ...PDF, sha256: 'c'.repeat(64) }])).thenNothingHappens();
    });
  });

  describe('Rule: the sign-off names the bytes signed and is late after the due day', () => {
    it('should record a sign-off on time', () => {
      given([generated])
        .when(signOff('2026-04-02T02:00:00.000Z'))
        .then([{ type: 'MonthlyPackSignedOff', data: { siteId: 'site-a', month: '2026-03', sha256: PDF.sha256, dueBy: '2026-04-03', late: false, at: '2026-04-02T02:00:00.000Z', by: manager } }]);
    });

    it('should still be on time on the due day itself (site-local)', () => {
      expect(given([generated]).when(signOff(APRIL_3_EVENING)).events()[0].data).toMatchObject({ late: false });
    });

    it('should record a later sign-off as late', () => {
      expect(given([generated]).when(signOff(APRIL_4_MORNING)).events()[0].data).toMatchObject({ late: true });
    });

    it('should refuse a hash that is not the snapshot’s', () => {
      given([generated])
        .when(signOff(APRIL_1, 'd'.repeat(64)))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details[0].field).toBe('sha256'));
    });

    it('should refuse a sign-off before the pack exists, and a second one', () => {
      given([]).when(signOff(APRIL_1)).thenThrows(InvalidStateError);
      const signed = given([generated]).when(signOff(APRIL_1)).events();
      given([generated, ...signed]).when(signOff(APRIL_3_EVENING)).thenThrows(InvalidStateError);
    });

    it('should refuse anyone but a site manager', () => {
      given([generated]).when(signOff(APRIL_1, PDF.sha256, assistant)).thenThrows(ForbiddenError);
      given([generated]).when(signOff(APRIL_1, PDF.sha256, SYSTEM_ACTOR)).thenThrows(ForbiddenError);
    });
  });

  describe('Rule: a sign-off missing after the due day is chased once per site-local day', () => {
    it('should not chase on or before the due day', () => {
      given([generated]).when(chase(APRIL_3_EVENING)).thenNothingHappens();
    });

    it('should chase the managers the day after', () => {
      given([generated])
        .when(chase(APRIL_4_MORNING))
        .then([
          {
            type: 'MonthlyPackSignOffChased',
            data: { siteId: 'site-a', month: '2026-03', dueBy: '2026-04-03', date: '2026-04-04', notifyRoles: ['cs_manager', 'general_manager'], at: APRIL_4_MORNING, by: SYSTEM_ACTOR },
          },
        ]);
    });

    it('should chase once a day, and never after the sign-off', () => {
      const chased = given([generated]).when(chase(APRIL_4_MORNING)).events();
      given([generated, ...chased]).when(chase('2026-04-04T09:00:00.000Z')).thenNothingHappens();
      expect(given([generated, ...chased]).when(chase('2026-04-05T01:00:00.000Z')).events()).toHaveLength(1);
      const signed = given([generated, ...chased]).when(signOff('2026-04-05T00:30:00.000Z')).events();
      given([generated, ...chased, ...signed]).when(chase('2026-04-06T01:00:00.000Z')).thenNothingHappens();
      expect(nextChaseDate(given([generated, ...chased]).when(chase(APRIL_4_MORNING)).state())).toBe('2026-04-05');
    });

    it('should leave chasing to the scheduler', () => {
      given([generated]).when(chase(APRIL_4_MORNING, manager)).thenThrows(ForbiddenError);
    });
  });

  it('previousMonthOf: the pack generated on the 1st is the month before', () => {
    expect(previousMonthOf('2026-01-01')).toBe('2025-12');
    expect(previousMonthOf('2026-04-01')).toBe('2026-03');
  });
});
