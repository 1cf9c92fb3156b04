import fc from 'fast-check';
import { CHINA_HOLIDAYS } from './china-holidays';
import { toLocalDateTime, weekdayOf } from './time-zone';
import { addCalendarDays, addWorkingDays, countWorkingDaysBetween, createWorkingCalendar, dayKind, isWorkingDay, siteDate } from './working-calendar';

const calendar = createWorkingCalendar();
const FROM = Date.parse('2024-12-20T00:00:00Z');
const TO = Date.parse('2026-11-30T00:00:00Z');
const instant = fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms).toISOString());
const workingDays = fc.integer({ min: 0, max: 25 });
const ms = (iso: string): number => Date.parse(iso);

describe('Working-day arithmetic (property-based, 2025–2026)', () => {
  it('should never land on a holiday, weekend or closure', () => {
    fc.assert(
      fc.property(instant, workingDays, (start, n) => {
        const due = addWorkingDays(calendar, start, n);
        const kind = dayKind(calendar, siteDate(calendar, due));
        return kind === 'workday' || kind === 'makeup_workday';
      }),
    );
  });

  it('should count exactly N working days, make-up days included', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 25 }), (start, n) => {
        const due = addWorkingDays(calendar, start, n);
        return countWorkingDaysBetween(calendar, siteDate(calendar, start), siteDate(calendar, due)) === n;
      }),
    );
  });

  it('should be monotonic in the start time', () => {
    fc.assert(
      fc.property(instant, instant, workingDays, (a, b, n) => {
        const [early, late] = ms(a) <= ms(b) ? [a, b] : [b, a];
        return ms(addWorkingDays(calendar, early, n)) <= ms(addWorkingDays(calendar, late, n));
      }),
    );
  });

  it('should be strictly monotonic in the number of working days (N ≥ 1)', () => {
    fc.assert(fc.property(instant, fc.integer({ min: 1, max: 25 }), (start, n) => ms(addWorkingDays(calendar, start, n)) < ms(addWorkingDays(calendar, start, n + 1))));
  });

  it('should make 0 working days ("today or the next working day") never later than 1', () => {
    // On a day off both land on the next working day; on a working day 0 is today and 1 tomorrow.
    fc.assert(
      fc.property(instant, (start) => {
        const [zero, one] = [ms(addWorkingDays(calendar, start, 0)), ms(addWorkingDays(calendar, start, 1))];
        return isWorkingDay(calendar, siteDate(calendar, start)) ? zero < one : zero === one;
      }),
    );
  });

  it('should end a working-day deadline at the last millisecond of the local day', () => {
    fc.assert(
      fc.property(instant, workingDays, (start, n) => {
        const local = toLocalDateTime(ms(addWorkingDays(calendar, start, n)), 'Asia/Shanghai');
        return local.hour === 23 && local.minute === 59 && local.second === 59 && local.millisecond === 999;
      }),
    );
  });

  it('should never finish before the start', () => {
    fc.assert(fc.property(instant, workingDays, (start, n) => ms(addWorkingDays(calendar, start, n)) > ms(start)));
  });

  it('should add calendar days as whole 24-hour days in Shanghai (no DST)', () => {
    fc.assert(fc.property(instant, fc.integer({ min: 0, max: 60 }), (start, n) => ms(addCalendarDays(calendar, start, n)) - ms(start) === n * 86_400_000));
  });

  it('should treat every make-up day of 2025–2026 as a working weekend day and every other holiday as a day off', () => {
    const inRange = (date: string) => date >= '2025-01-01' && date <= '2026-12-31';
    const makeUps = Object.keys(CHINA_HOLIDAYS.workdays).filter(inRange);
    const holidays = Object.keys(CHINA_HOLIDAYS.holidays).filter(inRange);
    expect(makeUps).toHaveLength(11);
    for (const date of makeUps) {
      expect([date, isWorkingDay(calendar, date), [0, 6].includes(weekdayOf(date))]).toEqual([date, true, true]);
    }
    for (const date of holidays) expect([date, isWorkingDay(calendar, date)]).toEqual([date, false]);
  });

  it('should skip site closures too', () => {
    const closures = ['2025-03-04', '2025-06-10', '2026-04-15'];
    const site = createWorkingCalendar({ closures });
    fc.assert(
      fc.property(instant, workingDays, (start, n) => !closures.includes(siteDate(site, addWorkingDays(site, start, n)))),
    );
  });
});
