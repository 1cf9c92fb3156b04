import { holidayCoverage } from './china-holidays';
import { localDateOf, offsetMinutesAt, toLocalDateTime } from './time-zone';
import {
  UncoveredYearError,
  addCalendarDays,
  addWorkingDays,
  applyDeadlineRule,
  countWorkingDaysBetween,
  createWorkingCalendar,
  dayKind,
  endOfSiteDay,
  isCoveredDate,
  isWorkingDay,
  siteDate,
} from './working-calendar';

const calendar = createWorkingCalendar();
const dates = (from: string, to: string): string[] => {
  const result: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) result.push(d.toISOString().slice(0, 10));
  return result;
};
/** 10:00 in Shanghai on a date. */
const tenAm = (date: string): string => `${date}T10:00:00+08:00`;
/** The last millisecond of a Shanghai date, in UTC. */
const endOf = (date: string): string => new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();

describe('Chinese holiday data (chinese-days 1.5.7)', () => {
  it('should cover 2004 to 2026 and not 2027', () => {
    const coverage = holidayCoverage();
    expect(coverage.from).toBe(2004);
    expect(coverage.to).toBe(2026);
    expect(coverage.years).not.toContain(2027);
    expect(isCoveredDate(calendar, '2026-12-31')).toBe(true);
    expect(isCoveredDate(calendar, '2027-01-01')).toBe(false);
  });
});

describe('When it is the 2025 Spring Festival (春节)', () => {
  it('should treat 2025-01-28 … 2025-02-04 as holidays', () => {
    for (const date of dates('2025-01-28', '2025-02-04')) expect([date, dayKind(calendar, date)]).toEqual([date, 'holiday']);
  });
  it('should make Sunday 2025-01-26 and Saturday 2025-02-08 make-up working days (调休上班)', () => {
    expect(dayKind(calendar, '2025-01-26')).toBe('makeup_workday');
    expect(dayKind(calendar, '2025-02-08')).toBe('makeup_workday');
    expect(isWorkingDay(calendar, '2025-01-26')).toBe(true);
    expect(isWorkingDay(calendar, '2025-02-08')).toBe(true);
  });
  it('should keep the ordinary weekend around it off (2025-01-25 Sat, 2025-02-09 Sun)', () => {
    expect(dayKind(calendar, '2025-01-25')).toBe('weekend');
    expect(dayKind(calendar, '2025-02-09')).toBe('weekend');
  });
  it('should put 3 working days from Monday 2025-01-27 at the end of Friday 2025-02-07', () => {
    expect(addWorkingDays(calendar, tenAm('2025-01-27'), 3)).toBe(endOf('2025-02-07'));
  });
  it('should count the make-up Sunday: 1 working day from Friday 2025-01-24 ends on Sunday 2025-01-26', () => {
    expect(addWorkingDays(calendar, tenAm('2025-01-24'), 1)).toBe(endOf('2025-01-26'));
  });
});

describe('When it is the 2025 National Day holiday (国庆 + 中秋)', () => {
  it('should treat 2025-10-01 … 2025-10-08 as holidays', () => {
    for (const date of dates('2025-10-01', '2025-10-08')) expect([date, isWorkingDay(calendar, date)]).toEqual([date, false]);
  });
  it('should make Sunday 2025-09-28 and Saturday 2025-10-11 working days', () => {
    expect(dayKind(calendar, '2025-09-28')).toBe('makeup_workday');
    expect(dayKind(calendar, '2025-10-11')).toBe('makeup_workday');
  });
  it('should put 1 working day from Tuesday 2025-09-30 at the end of Thursday 2025-10-09', () => {
    expect(addWorkingDays(calendar, tenAm('2025-09-30'), 1)).toBe(endOf('2025-10-09'));
  });
  it('should put 1 working day from Friday 2025-09-26 on the make-up Sunday 2025-09-28', () => {
    expect(addWorkingDays(calendar, tenAm('2025-09-26'), 1)).toBe(endOf('2025-09-28'));
  });
  it('should count the make-up Saturday 2025-10-11: from Thursday 10-09, 2 working days → Saturday 10-11, 3 → Monday 10-13', () => {
    expect(addWorkingDays(calendar, tenAm('2025-10-09'), 2)).toBe(endOf('2025-10-11'));
    expect(addWorkingDays(calendar, tenAm('2025-10-09'), 3)).toBe(endOf('2025-10-13'));
  });
});

describe('When it is the 2026 holiday season (from the data)', () => {
  it('should treat New Year 2026-01-01 … 01-03 as holidays and Sunday 2026-01-04 as a make-up working day', () => {
    for (const date of dates('2026-01-01', '2026-01-03')) expect(isWorkingDay(calendar, date)).toBe(false);
    expect(dayKind(calendar, '2026-01-04')).toBe('makeup_workday');
  });
  it('should treat Spring Festival 2026-02-15 … 2026-02-23 as holidays', () => {
    for (const date of dates('2026-02-15', '2026-02-23')) expect([date, dayKind(calendar, date)]).toEqual([date, 'holiday']);
  });
  it('should make Saturdays 2026-02-14 and 2026-02-28 make-up working days', () => {
    expect(dayKind(calendar, '2026-02-14')).toBe('makeup_workday');
    expect(dayKind(calendar, '2026-02-28')).toBe('makeup_workday');
  });
  it('should count across Spring Festival 2026: from Friday 02-13, 1 working day → Saturday 02-14, 2 → Tuesday 02-24', () => {
    expect(addWorkingDays(calendar, tenAm('2026-02-13'), 1)).toBe(endOf('2026-02-14'));
    expect(addWorkingDays(calendar, tenAm('2026-02-13'), 2)).toBe(endOf('2026-02-24'));
  });
  it('should treat National Day 2026-10-01 … 10-07 as holidays with Sunday 09-20 and Saturday 10-10 working', () => {
    for (const date of dates('2026-10-01', '2026-10-07')) expect(isWorkingDay(calendar, date)).toBe(false);
    expect(dayKind(calendar, '2026-09-20')).toBe('makeup_workday');
    expect(dayKind(calendar, '2026-10-10')).toBe('makeup_workday');
    expect(addWorkingDays(calendar, tenAm('2026-09-30'), 1)).toBe(endOf('2026-10-08'));
  });
  it('should treat Mid-autumn 2026-09-25 (a Friday) as a holiday', () => {
    expect(dayKind(calendar, '2026-09-25')).toBe('holiday');
  });
});

describe('When a year has no national data yet (2027)', () => {
  it('should fall back to Monday–Friday by default', () => {
    expect(dayKind(calendar, '2027-10-01')).toBe('workday');
    expect(dayKind(calendar, '2027-10-02')).toBe('weekend');
  });
  it('should refuse when the calendar is strict', () => {
    const strict = createWorkingCalendar({ uncoveredYears: 'throw' });
    expect(() => dayKind(strict, '2027-10-01')).toThrow(UncoveredYearError);
    expect(dayKind(strict, '2026-10-01')).toBe('holiday');
  });
  it('should accept the year once its dates are supplied', () => {
    const supplied = createWorkingCalendar({ extraHolidays: { '2027-10-01': 'National Day,国庆节,3' }, extraWorkdays: { '2027-10-09': 'National Day,国庆节,3' } });
    expect(dayKind(supplied, '2027-10-01')).toBe('holiday');
    expect(dayKind(supplied, '2027-10-09')).toBe('makeup_workday');
  });
});

describe('When a site has its own closures', () => {
  it('should skip a closure day in working-day arithmetic', () => {
    const site = createWorkingCalendar({ closures: ['2025-03-04'] });
    expect(dayKind(site, '2025-03-04')).toBe('closure');
    expect(addWorkingDays(site, tenAm('2025-03-03'), 1)).toBe(endOf('2025-03-05'));
    expect(addWorkingDays(calendar, tenAm('2025-03-03'), 1)).toBe(endOf('2025-03-04'));
  });
  it('should let a closure override a make-up working day', () => {
    const site = createWorkingCalendar({ closures: ['2025-01-26'] });
    expect(isWorkingDay(site, '2025-01-26')).toBe(false);
  });
});

describe('When deadlines are computed in the site time zone', () => {
  it('should read Asia/Shanghai as a fixed +08:00', () => {
    expect(offsetMinutesAt(Date.parse('2025-01-15T00:00:00Z'), 'Asia/Shanghai')).toBe(480);
    expect(offsetMinutesAt(Date.parse('2025-07-15T00:00:00Z'), 'Asia/Shanghai')).toBe(480);
  });
  it('should end "the same day" at local midnight, not UTC midnight', () => {
    expect(endOfSiteDay(calendar, '2025-03-03T02:00:00Z')).toBe('2025-03-03T15:59:59.999Z');
    // 23:30 on 3 March in Shanghai is still 3 March
    expect(endOfSiteDay(calendar, '2025-03-03T15:30:00Z')).toBe('2025-03-03T15:59:59.999Z');
    // 00:30 on 4 March in Shanghai, though still 3 March in UTC
    expect(endOfSiteDay(calendar, '2025-03-03T16:30:00Z')).toBe('2025-03-04T15:59:59.999Z');
    expect(siteDate(calendar, '2025-03-03T16:30:00Z')).toBe('2025-03-04');
  });
  it('should use another zone when the site is elsewhere (Asia/Urumqi, +06:00)', () => {
    const urumqi = createWorkingCalendar({ timeZone: 'Asia/Urumqi' });
    expect(endOfSiteDay(urumqi, '2025-03-03T02:00:00Z')).toBe('2025-03-03T17:59:59.999Z');
    expect(localDateOf(Date.parse('2025-03-03T17:30:00Z'), 'Asia/Urumqi')).toBe('2025-03-03');
  });
  it('should handle a zone with daylight saving at its switch (Europe/Berlin)', () => {
    const berlin = createWorkingCalendar({ timeZone: 'Europe/Berlin' });
    // 2025-03-30 is 23 hours long in Berlin
    expect(endOfSiteDay(berlin, '2025-03-30T10:00:00Z')).toBe('2025-03-30T21:59:59.999Z');
    expect(addCalendarDays(berlin, '2025-03-29T11:00:00Z', 1)).toBe('2025-03-30T10:00:00.000Z');
  });
  it('should reject an unknown time zone', () => {
    expect(() => createWorkingCalendar({ timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
  it('should keep the local wall-clock time when adding calendar days', () => {
    expect(addCalendarDays(calendar, '2025-03-03T02:00:00Z', 3)).toBe('2025-03-06T02:00:00.000Z');
    expect(toLocalDateTime(Date.parse(addCalendarDays(calendar, '2025-03-03T02:00:00Z', 3)), 'Asia/Shanghai').hour).toBe(10);
  });
});

describe('When a policy duration is applied', () => {
  it('should never compute working days on the wall clock: 3 working days from Friday 2025-03-07 is Wednesday, not Monday', () => {
    expect(applyDeadlineRule(calendar, tenAm('2025-03-07'), { amount: 3, unit: 'working_days' })).toBe(endOf('2025-03-12'));
    expect(applyDeadlineRule(calendar, tenAm('2025-03-07'), { amount: 3, unit: 'days' })).toBe('2025-03-10T02:00:00.000Z');
  });
  it('should add hours and minutes exactly', () => {
    expect(applyDeadlineRule(calendar, '2025-03-03T02:00:00Z', { amount: 24, unit: 'hours' })).toBe('2025-03-04T02:00:00.000Z');
    expect(applyDeadlineRule(calendar, '2025-03-03T02:00:00Z', { amount: 30, unit: 'minutes' })).toBe('2025-03-03T02:30:00.000Z');
  });
  it('should give "same day" whatever the amount', () => {
    expect(applyDeadlineRule(calendar, '2025-03-03T02:00:00Z', { amount: 9, unit: 'same_day' })).toBe('2025-03-03T15:59:59.999Z');
  });
  it('should treat 0 working days as the end of today when today is a working day, else the next working day', () => {
    expect(addWorkingDays(calendar, tenAm('2025-03-03'), 0)).toBe(endOf('2025-03-03'));
    expect(addWorkingDays(calendar, tenAm('2025-03-08'), 0)).toBe(endOf('2025-03-10'));
  });
  it('should count working days between two dates across a holiday', () => {
    // (01-24, 02-08]: 01-26 (make-up), 01-27, 02-05, 02-06, 02-07, 02-08 (make-up)
    expect(countWorkingDaysBetween(calendar, '2025-01-24', '2025-02-08')).toBe(6);
  });
});

describe('When invalid input reaches the calendar', () => {
  it('should reject a non-date closure', () => {
    expect(() => createWorkingCalendar({ closures: ['2025-02-30'] })).toThrow(RangeError);
  });
});
