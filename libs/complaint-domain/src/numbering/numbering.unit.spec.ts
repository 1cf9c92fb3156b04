import fc from 'fast-check';
import { ValidationError } from '../common/domain-errors';
import { complaintNumber, numberingYear, parseComplaintNumber } from './numbering';
import {
  decideYearlyCounter,
  evolveYearlyCounter,
  initialYearlyCounterState,
  serialOf,
  yearlyCounterStreamName,
  type AllocateComplaintSerial,
  type YearlyCounterState,
} from './yearly-counter.decider';

describe('Complaint numbering (SITE-YYMMDD-NNN)', () => {
  describe('When a number is made', () => {
    it('should combine the site code, the local receipt date and the yearly serial padded to 3 digits', () => {
      expect(complaintNumber('SH01', '2025-03-03T02:00:00Z', 7)).toBe('SH01-250303-007');
    });
    it('should grow beyond 999', () => {
      expect(complaintNumber('SH01', '2025-12-01T02:00:00Z', 1000)).toBe('SH01-251201-1000');
    });
    it('should use the site’s local date: 00:30 on New Year’s Day in Shanghai is still 31 December in UTC', () => {
      expect(complaintNumber('SH01', '2025-12-31T16:30:00Z', 1)).toBe('SH01-260101-001');
      expect(numberingYear('2025-12-31T16:30:00Z')).toBe(2026);
      expect(complaintNumber('SH01', '2025-12-31T16:30:00Z', 1, 'Europe/London')).toBe('SH01-251231-001');
    });
    it('should refuse a bad site code, instant or serial', () => {
      expect(() => complaintNumber('sh-01', 'yesterday', 0)).toThrow(ValidationError);
    });
    it('should parse a number back', () => {
      expect(parseComplaintNumber('SH01-250303-1234')).toEqual({ siteCode: 'SH01', yy: 25, month: 3, day: 3, yearlySerial: 1234 });
      expect(parseComplaintNumber('SH01-2503-1')).toBeUndefined();
    });
  });
});

describe('The yearly counter (one stream per site and year)', () => {
  const allocate = (complaintId: string, siteId = 'site-sh-01', year = 2025): AllocateComplaintSerial => ({
    type: 'AllocateComplaintSerial',
    data: { siteId, year, complaintId },
    metadata: { now: '2025-03-03T02:00:00.000Z' },
  });
  const run = (state: YearlyCounterState, complaintId: string): YearlyCounterState => decideYearlyCounter(allocate(complaintId), state).reduce(evolveYearlyCounter, state);

  describe('When the first complaint of the year is registered', () => {
    it('should allocate serial 1 on the stream of that site and year', () => {
      expect(yearlyCounterStreamName('site-sh-01', 2025)).toBe('numbering-site-sh-01-2025');
      expect(decideYearlyCounter(allocate('c-1'), initialYearlyCounterState())).toEqual([
        { type: 'ComplaintSerialAllocated', data: { siteId: 'site-sh-01', year: 2025, complaintId: 'c-1', serial: 1, at: '2025-03-03T02:00:00.000Z' } },
      ]);
    });
  });

  describe('When the same complaint asks again (retry after a crash)', () => {
    it('should allocate nothing new and keep the serial it holds', () => {
      const state = run(run(initialYearlyCounterState(), 'c-1'), 'c-2');
      expect(decideYearlyCounter(allocate('c-1'), state)).toEqual([]);
      expect(serialOf(state, 'c-1')).toBe(1);
    });
  });

  describe('When another site or year is asked on this stream', () => {
    it('should refuse', () => {
      const state = run(initialYearlyCounterState(), 'c-1');
      expect(() => decideYearlyCounter(allocate('c-2', 'site-bj-02'), state)).toThrow(ValidationError);
      expect(() => decideYearlyCounter(allocate('c-2', 'site-sh-01', 2026), state)).toThrow(ValidationError);
    });
  });

  describe('When any sequence of allocations and retries happens', () => {
    it('should hand out unique, gap-free serials 1…n', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 120 }), (ids) => {
          const state = ids.reduce((s, id) => run(s, `c-${id}`), initialYearlyCounterState());
          const serials = Object.values(state.serials).sort((a, b) => a - b);
          const distinct = new Set(ids).size;
          return serials.length === distinct && serials.every((serial, i) => serial === i + 1) && state.last === distinct;
        }),
      );
    });
  });
});
