/**
 * Human complaint numbers: `<SITE>-<YYMMDD>-<NNN>`, e.g. `SH01-250301-007`.
 *
 * - SITE is the site's short code; YYMMDD is the date the complaint was received, in the
 *   site's zone (a complaint received 2025-12-31T16:30Z in Shanghai is 260101).
 * - NNN is the site's yearly serial — the n-th complaint the site received that (site-local)
 *   year — zero-padded to at least 3 digits and growing beyond 999 (…-1000).
 *
 * Unique and gap-free per site and year (docs/process.md §2): see yearly-counter.decider.ts.
 */
import { DEFAULT_TIME_ZONE, toLocalDateTime } from '../calendar/time-zone';
import { ValidationError } from '../common/domain-errors';
import { isIsoInstant, toMillis } from '../common/iso-time';

const SITE_CODE = /^[A-Z0-9]{1,12}$/;

export const complaintNumber = (siteCode: string, receivedAt: string, yearlySerial: number, timeZone: string = DEFAULT_TIME_ZONE): string => {
  const problems = [];
  if (!SITE_CODE.test(siteCode)) problems.push({ field: 'siteCode', problem: 'must be 1–12 upper-case letters or digits' });
  if (!isIsoInstant(receivedAt)) problems.push({ field: 'receivedAt', problem: 'must be an ISO-8601 instant' });
  if (!Number.isSafeInteger(yearlySerial) || yearlySerial < 1) problems.push({ field: 'yearlySerial', problem: 'must be a whole number ≥ 1' });
  if (problems.length > 0) throw new ValidationError(problems);
  const { year, month, day } = toLocalDateTime(toMillis(receivedAt), timeZone);
  const yymmdd = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
  return `${siteCode}-${yymmdd}-${String(yearlySerial).padStart(3, '0')}`;
};

/** The numbering year of a complaint: the site-local year it was received. */
export const numberingYear = (receivedAt: string, timeZone: string = DEFAULT_TIME_ZONE): number => toLocalDateTime(toMillis(receivedAt), timeZone).year;

const NUMBER = /^([A-Z0-9]{1,12})-(\d{2})(\d{2})(\d{2})-(\d{3,})$/;

export const parseComplaintNumber = (
  number: string,
): { siteCode: string; yy: number; month: number; day: number; yearlySerial: number } | undefined => {
  const match = NUMBER.exec(number);
  if (!match) return undefined;
  return { siteCode: match[1], yy: Number(match[2]), month: Number(match[3]), day: Number(match[4]), yearlySerial: Number(match[5]) };
};
