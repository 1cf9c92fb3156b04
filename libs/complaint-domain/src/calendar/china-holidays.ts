/**
 * Chinese public holidays (法定节假日) and make-up working days (调休上班) — the data behind
 * every working-day deadline.
 *
 * Source: the `chinese-days` npm package (pinned at 1.5.7 in the root package.json), which
 * transcribes the State Council General Office's yearly notice (国务院办公厅关于部分节假日安排的通知).
 * We read its raw data file (`dist/chinese-days.json`) rather than its `isWorkday()` helper:
 * the helper parses dates in the machine's local zone, while a site's day must be judged in
 * the site's zone; the raw table keyed by `YYYY-MM-DD` is zone-free.
 *
 * What chinese-days 1.5.7 actually contains (checked against its data file):
 *   - 2004 … 2026 inclusive.
 *   - 2025: New Year 01-01; Spring Festival 01-28 … 02-04 with make-up workdays 01-26 (Sun) and
 *     02-08 (Sat); Qingming 04-04 … 04-06; Labour Day 05-01 … 05-05 with 04-27 (Sun); Dragon Boat
 *     05-31 … 06-02; National Day + Mid-autumn 10-01 … 10-08 with 09-28 (Sun) and 10-11 (Sat).
 *   - 2026: New Year 01-01 … 01-03 with 01-04 (Sun); Spring Festival 02-15 … 02-23 with 02-14 (Sat)
 *     and 02-28 (Sat); Qingming 04-04 … 04-06; Labour Day 05-01 … 05-05 with 05-09 (Sat); Dragon
 *     Boat 06-19 … 06-21; Mid-autumn 09-25 … 09-27; National Day 10-01 … 10-07 with 09-20 (Sun)
 *     and 10-10 (Sat).
 *   - 2027: NOT contained. For a year without data the package's own helper silently treats
 *     every Monday–Friday as a workday (e.g. 2027-10-01 reads as a workday). This module instead
 *     reports the year as uncovered (`holidayCoverage`), and the calendar either falls back to
 *     Monday–Friday or refuses, as the caller chooses (see working-calendar.ts).
 *
 * Yearly update procedure (the State Council publishes next year's arrangement each
 * October–December):
 *   1. If a chinese-days release already carries the year, bump the pinned version in the root
 *      package.json (a reviewed dependency change) and re-run this library's tests; the
 *      coverage test lists the covered years and must be updated to include the new one.
 *   2. Until then, add the published dates to `CHINA_HOLIDAY_SUPPLEMENT` in
 *      china-holidays.supplement.ts (holidays, make-up workdays, and the year in `years`), with
 *      the notice's reference in a comment. Supplement entries win over the package.
 *   3. Add a test for the new year's Spring Festival and National Day like the 2025/2026 ones.
 *   A site-specific closure is not national data: it goes into the site's calendar options.
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import { CHINA_HOLIDAY_SUPPLEMENT } from './china-holidays.supplement';
import type { LocalDate } from './time-zone';

/** Dates mapped to a label such as "Spring Festival,春节,4" (English, Chinese, days granted). */
export type HolidayTable = {
  holidays: Readonly<Record<LocalDate, string>>;
  /** Make-up working days (调休上班): weekend dates that are working days. */
  workdays: Readonly<Record<LocalDate, string>>;
  /** Years whose national arrangement the table fully contains. */
  years: readonly number[];
};

type ChineseDaysFile = { holidays: Record<string, string>; workdays: Record<string, string> };

const yearsOf = (table: ChineseDaysFile): number[] =>
  [...new Set(Object.keys(table.holidays).map((date) => Number(date.slice(0, 4))))].sort((a, b) => a - b);

const packageData: ChineseDaysFile = chineseDaysData;

/** The national table: chinese-days data overlaid with the supplement (supplement wins). */
export const CHINA_HOLIDAYS: HolidayTable = (() => {
  const holidays: Record<LocalDate, string> = { ...packageData.holidays };
  const workdays: Record<LocalDate, string> = { ...packageData.workdays };
  for (const [date, label] of Object.entries(CHINA_HOLIDAY_SUPPLEMENT.holidays)) {
    holidays[date] = label;
    delete workdays[date];
  }
  for (const [date, label] of Object.entries(CHINA_HOLIDAY_SUPPLEMENT.workdays)) {
    workdays[date] = label;
    delete holidays[date];
  }
  const years = [...new Set([...yearsOf(packageData), ...CHINA_HOLIDAY_SUPPLEMENT.years])].sort((a, b) => a - b);
  return { holidays, workdays, years };
})();

export const holidayCoverage = (table: HolidayTable = CHINA_HOLIDAYS): { from: number; to: number; years: readonly number[] } => ({
  from: table.years[0] ?? Number.NaN,
  to: table.years[table.years.length - 1] ?? Number.NaN,
  years: table.years,
});
