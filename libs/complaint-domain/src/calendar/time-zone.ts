/**
 * Time-zone arithmetic without external libraries.
 *
 * A site's zone (default Asia/Shanghai) is resolved through `Intl.DateTimeFormat`: the zone's
 * UTC offset at an instant is read from the formatted wall-clock parts. China has had no
 * daylight saving since 1991, so for Chinese sites the offset is a fixed +08:00; the code is
 * still written against "the offset in force at that instant" (with a second pass when turning
 * a local wall-clock time into an instant), so a site in a zone with DST would stay correct.
 */

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** A calendar date in a site's zone, `YYYY-MM-DD`. */
export type LocalDate = string;

export type LocalDateTime = {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
};

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** Throws a RangeError for a zone Intl does not know. */
export const assertTimeZone = (timeZone: string): void => {
  formatterFor(timeZone);
};

export const isValidTimeZone = (timeZone: string): boolean => {
  try {
    assertTimeZone(timeZone);
    return true;
  } catch {
    return false;
  }
};

/** Wall-clock reading of an instant in a zone, read from Intl (the exact, slow way: ~5 µs). */
const intlLocalDateTime = (epochMs: number, timeZone: string): LocalDateTime => {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    millisecond: ((epochMs % 1000) + 1000) % 1000,
  };
};

/** The zone's offset at an instant in milliseconds (historical local mean times have seconds). */
const intlOffsetMs = (epochMs: number, timeZone: string): number => {
  const local = intlLocalDateTime(epochMs, timeZone);
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond) - epochMs;
};

const intlOffsetMinutes = (epochMs: number, timeZone: string): number => Math.round(intlOffsetMs(epochMs, timeZone) / 60_000);

/**
 * The zone's offset per UTC day, remembered: a day whose first and last millisecond have the
 * same offset has it throughout (no zone changes its offset and back within a day), so any
 * instant of that day is read with one addition instead of an Intl call. A day with a switch
 * (DST) is marked and every instant in it still goes through Intl. Rebuilding a projection
 * folds millions of events, each turning several instants into wall-clock dates: this is
 * what keeps that from being the largest cost of the fold.
 */
const DAY_MS = 86_400_000;
const SWITCH_DAY = Number.NaN;
const dayOffsets = new Map<string, Map<number, number>>();
const MAX_DAYS_PER_ZONE = 200_000;

const offsetMsFast = (epochMs: number, timeZone: string): number => {
  const day = Math.floor(epochMs / DAY_MS);
  let days = dayOffsets.get(timeZone);
  if (!days) {
    formatterFor(timeZone); // throws a RangeError for an unknown zone, as before
    days = new Map();
    dayOffsets.set(timeZone, days);
  }
  let offset = days.get(day);
  if (offset === undefined) {
    const first = intlOffsetMs(day * DAY_MS, timeZone);
    const last = intlOffsetMs(day * DAY_MS + DAY_MS - 1, timeZone);
    offset = first === last ? first : SWITCH_DAY;
    if (days.size >= MAX_DAYS_PER_ZONE) days.clear();
    days.set(day, offset);
  }
  return Number.isNaN(offset) ? intlOffsetMs(epochMs, timeZone) : offset;
};

/** Wall-clock reading of an instant in a zone. */
export const toLocalDateTime = (epochMs: number, timeZone: string): LocalDateTime => {
  if (!Number.isFinite(epochMs)) return intlLocalDateTime(epochMs, timeZone);
  const shifted = new Date(epochMs + offsetMsFast(epochMs, timeZone));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    millisecond: shifted.getUTCMilliseconds(),
  };
};

/** Offset of the zone from UTC at that instant, in minutes (Asia/Shanghai: +480). */
export const offsetMinutesAt = (epochMs: number, timeZone: string): number =>
  Number.isFinite(epochMs) ? Math.round(offsetMsFast(epochMs, timeZone) / 60_000) : intlOffsetMinutes(epochMs, timeZone);

/** The slow, exact readings, for tests that compare the remembered offsets against Intl. */
export const intlReadingsForTests = { toLocalDateTime: intlLocalDateTime, offsetMinutesAt: intlOffsetMinutes };

/** The instant at which the zone's wall clock shows the given local time. */
export const fromLocalDateTime = (local: LocalDateTime, timeZone: string): number => {
  const naive = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
  // First guess with the offset in force near the naive time, then correct once with the
  // offset in force at the guess (only differs around a DST switch).
  const firstGuess = naive - offsetMinutesAt(naive, timeZone) * 60_000;
  return naive - offsetMinutesAt(firstGuess, timeZone) * 60_000;
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export const formatLocalDate = (year: number, month: number, day: number): LocalDate =>
  `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

export const localDateOf = (epochMs: number, timeZone: string): LocalDate => {
  const { year, month, day } = toLocalDateTime(epochMs, timeZone);
  return formatLocalDate(year, month, day);
};

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const parseLocalDate = (date: LocalDate): { year: number; month: number; day: number } => {
  const match = LOCAL_DATE.exec(date);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`Not a calendar date: ${date}`);
  }
  return { year, month, day };
};

export const isLocalDate = (value: unknown): value is LocalDate => {
  if (typeof value !== 'string') return false;
  try {
    parseLocalDate(value);
    return true;
  } catch {
    return false;
  }
};

/** Pure calendar arithmetic on dates (no zone involved). */
export const addDaysToLocalDate = (date: LocalDate, days: number): LocalDate => {
  const { year, month, day } = parseLocalDate(date);
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return formatLocalDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
};

/** 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (date: LocalDate): number => {
  const { year, month, day } = parseLocalDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
};

/** First instant of a local date in the zone. */
export const startOfLocalDate = (date: LocalDate, timeZone: string): number => {
  const { year, month, day } = parseLocalDate(date);
  return fromLocalDateTime({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
};

/** Last millisecond of a local date in the zone (the start of the next local day minus 1 ms). */
export const endOfLocalDate = (date: LocalDate, timeZone: string): number =>
  startOfLocalDate(addDaysToLocalDate(date, 1), timeZone) - 1;
