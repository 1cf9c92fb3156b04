/**
 * National holiday dates not (yet) in the pinned chinese-days release — see the yearly update
 * procedure in china-holidays.ts. Entries here win over the package. Keep the State Council
 * notice's reference next to each year's block.
 *
 * Currently empty: chinese-days 1.5.7 covers 2004–2026, and the 2027 arrangement had not been
 * published in a form we could verify when this was written.
 */
import type { HolidayTable } from './china-holidays';

export const CHINA_HOLIDAY_SUPPLEMENT: HolidayTable = {
  holidays: {},
  workdays: {},
  years: [],
};
