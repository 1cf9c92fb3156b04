/**
 * A site's working-day calendar and the deadline arithmetic built on it.
 *
 * A day is judged in the site's zone, in this order:
 *   1. a site closure (e.g. the management office shut for a local event) → not a working day;
 *   2. a make-up working day (调休上班, usually a Saturday or Sunday) → a working day;
 *   3. a public holiday → not a working day;
 *   4. otherwise Monday–Friday are working days, Saturday and Sunday are not.
 *
 * Three kinds of deadline arithmetic (docs/process.md §3–4):
 *   - "same day"       → the last millisecond of the site's local day (urgent: 当天处理);
 *   - "N days"         → the same wall-clock time N calendar days later (second reply in 3 days);
 *   - "N working days" → the end of the N-th working day after the start day (整改措施 within 3
 *     working days). It never lands on a holiday or closure, counts make-up days, and is
 *     monotonic: a later start never gives an earlier deadline.
 * All results are canonical UTC ISO strings.
 */
import { fromMillis, toMillis, type IsoInstant } from '../common/iso-time';
import { CHINA_HOLIDAYS, type HolidayTable } from './china-holidays';
import {
  DEFAULT_TIME_ZONE,
  addDaysToLocalDate,
  assertTimeZone,
  endOfLocalDate,
  fromLocalDateTime,
  localDateOf,
  parseLocalDate,
  toLocalDateTime,
  weekdayOf,
  type LocalDate,
} from './time-zone';

/** What to do for a date in a year the national table does not cover. */
export type UncoveredYearMode = 'weekdays' | 'throw';

export type WorkingCalendar = {
  readonly timeZone: string;
  readonly holidays: Readonly<Record<LocalDate, string>>;
  readonly makeUpWorkdays: Readonly<Record<LocalDate, string>>;
  /** Site-specific non-working dates. */
  readonly closures: ReadonlySet<LocalDate>;
  readonly coveredYears: ReadonlySet<number>;
  readonly uncoveredYears: UncoveredYearMode;
};

export type WorkingCalendarOptions = {
  timeZone?: string;
  /** Site-specific closure dates (YYYY-MM-DD in the site's zone). */
  closures?: readonly LocalDate[];
  /** Extra dates treated as holidays / make-up workdays on top of the national table. */
  extraHolidays?: Readonly<Record<LocalDate, string>>;
  extraWorkdays?: Readonly<Record<LocalDate, string>>;
  /** Defaults to the chinese-days table plus the supplement. */
  table?: HolidayTable;
  /** Default 'weekdays': outside the table, Monday–Friday count (and `isCovered` says so). */
  uncoveredYears?: UncoveredYearMode;
};

export class UncoveredYearError extends RangeError {
  constructor(readonly year: number) {
    super(`No public-holiday data for ${year}: update the holiday table (see china-holidays.ts)`);
    this.name = 'UncoveredYearError';
  }
}

export const createWorkingCalendar = (options: WorkingCalendarOptions = {}): WorkingCalendar => {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  const table = options.table ?? CHINA_HOLIDAYS;
  for (const date of options.closures ?? []) parseLocalDate(date);
  return {
    timeZone,
    holidays: { ...table.holidays, ...(options.extraHolidays ?? {}) },
    makeUpWorkdays: { ...table.workdays, ...(options.extraWorkdays ?? {}) },
    closures: new Set(options.closures ?? []),
    coveredYears: new Set(table.years),
    uncoveredYears: options.uncoveredYears ?? 'weekdays',
  };
};

let defaultCalendar: WorkingCalendar | undefined;
/** Asia/Shanghai, national holidays, no site closures. */
export const defaultWorkingCalendar = (): WorkingCalendar => (defaultCalendar ??= createWorkingCalendar());

export type DayKind = 'closure' | 'makeup_workday' | 'holiday' | 'weekend' | 'workday';

export const isCoveredDate = (calendar: WorkingCalendar, date: LocalDate): boolean =>
  calendar.coveredYears.has(parseLocalDate(date).year);

export const dayKind = (calendar: WorkingCalendar, date: LocalDate): DayKind => {
  if (calendar.closures.has(date)) return 'closure';
  if (calendar.makeUpWorkdays[date] !== undefined) return 'makeup_workday';
  if (calendar.holidays[date] !== undefined) return 'holiday';
  if (calendar.uncoveredYears === 'throw' && !isCoveredDate(calendar, date)) {
    throw new UncoveredYearError(parseLocalDate(date).year);
  }
  const weekday = weekdayOf(date);
  return weekday === 0 || weekday === 6 ? 'weekend' : 'workday';
};

export const isWorkingDay = (calendar: WorkingCalendar, date: LocalDate): boolean => {
  const kind = dayKind(calendar, date);
  return kind === 'workday' || kind === 'makeup_workday';
};

/** The site-local date of an instant. */
export const siteDate = (calendar: WorkingCalendar, instant: IsoInstant): LocalDate =>
  localDateOf(toMillis(instant), calendar.timeZone);

/** "Same day": the end of the site's local day containing the instant. */
export const endOfSiteDay = (calendar: WorkingCalendar, instant: IsoInstant): IsoInstant =>
  fromMillis(endOfLocalDate(siteDate(calendar, instant), calendar.timeZone));

/** "N days": the same local wall-clock time N calendar days later. */
export const addCalendarDays = (calendar: WorkingCalendar, instant: IsoInstant, days: number): IsoInstant => {
  const ms = toMillis(instant);
  const local = toLocalDateTime(ms, calendar.timeZone);
  const target = parseLocalDate(addDaysToLocalDate(siteDate(calendar, instant), days));
  return fromMillis(fromLocalDateTime({ ...local, ...target }, calendar.timeZone));
};

const MAX_SCAN_DAYS = 3_660;

/** The first working day strictly after `date`. */
export const nextWorkingDay = (calendar: WorkingCalendar, date: LocalDate): LocalDate => {
  let day = date;
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    day = addDaysToLocalDate(day, 1);
    if (isWorkingDay(calendar, day)) return day;
  }
  throw new RangeError(`No working day within ${MAX_SCAN_DAYS} days after ${date}`);
};

/**
 * The local date of the N-th working day after the start date (the start day itself is not
 * counted, whatever the time). N = 0 means the start day if it is a working day, else the next one.
 */
export const addWorkingDaysToDate = (calendar: WorkingCalendar, start: LocalDate, workingDays: number): LocalDate => {
  if (!Number.isInteger(workingDays) || workingDays < 0) throw new RangeError(`workingDays must be a non-negative integer, got ${workingDays}`);
  if (workingDays === 0) return isWorkingDay(calendar, start) ? start : nextWorkingDay(calendar, start);
  let day = start;
  for (let counted = 0; counted < workingDays; counted++) day = nextWorkingDay(calendar, day);
  return day;
};

/** "N working days": the end of the N-th working day after the instant's site-local day. */
export const addWorkingDays = (calendar: WorkingCalendar, instant: IsoInstant, workingDays: number): IsoInstant =>
  fromMillis(endOfLocalDate(addWorkingDaysToDate(calendar, siteDate(calendar, instant), workingDays), calendar.timeZone));

/** Working days in (from, to] counted by site-local date. */
export const countWorkingDaysBetween = (calendar: WorkingCalendar, from: LocalDate, to: LocalDate): number => {
  let count = 0;
  for (let day = addDaysToLocalDate(from, 1); day <= to; day = addDaysToLocalDate(day, 1)) {
    if (isWorkingDay(calendar, day)) count++;
  }
  return count;
};

export type DurationUnit = 'minutes' | 'hours' | 'days' | 'working_days' | 'same_day';

/** A policy duration: `{ amount: 3, unit: 'working_days' }`. `amount` is ignored for 'same_day'. */
export type DeadlineRule = { amount: number; unit: DurationUnit };

/** Applies a policy duration. Working-day rules always go through the calendar, never the wall clock. */
export const applyDeadlineRule = (calendar: WorkingCalendar, from: IsoInstant, rule: DeadlineRule): IsoInstant => {
  switch (rule.unit) {
    case 'minutes':
      return fromMillis(toMillis(from) + rule.amount * 60_000);
    case 'hours':
      return fromMillis(toMillis(from) + rule.amount * 3_600_000);
    case 'days':
      return addCalendarDays(calendar, from, rule.amount);
    case 'working_days':
      return addWorkingDays(calendar, from, rule.amount);
    case 'same_day':
      return endOfSiteDay(calendar, from);
    default: {
      const exhaustive: never = rule.unit;
      throw new RangeError(`Unknown duration unit ${String(exhaustive)}`);
    }
  }
};

/** Applies a rule `times` times in a row (used for successive escalation graces). */
export const applyDeadlineRuleRepeatedly = (
  calendar: WorkingCalendar,
  from: IsoInstant,
  rule: DeadlineRule,
  times: number,
): IsoInstant => {
  let at = from;
  for (let i = 0; i < times; i++) at = applyDeadlineRule(calendar, at, rule);
  return at;
};
