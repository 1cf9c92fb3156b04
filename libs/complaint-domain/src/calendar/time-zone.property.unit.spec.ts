import fc from 'fast-check';
import { intlReadingsForTests, offsetMinutesAt, toLocalDateTime } from './time-zone';

/**
 * Rule: a site's wall-clock time is the zone's reading of the instant (Intl), whatever the
 * offsets remembered per UTC day to make that fast. These compare every reading with Intl's
 * own, over zones with daylight saving, half- and quarter-hour offsets, historical local mean
 * times (offsets with seconds) and China's fixed +08:00.
 */
const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Apia', 'UTC'];
const MIN = Date.UTC(1880, 0, 1);
const MAX = Date.UTC(2100, 0, 1);

describe('wall-clock readings remembered per day equal Intl', () => {
  it('given any zone and instant between 1880 and 2100, when read, then the wall clock and offset are exactly Intl\'s', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: MIN, max: MAX }), (zone, ms) => {
        expect(toLocalDateTime(ms, zone)).toEqual(intlReadingsForTests.toLocalDateTime(ms, zone));
        expect(offsetMinutesAt(ms, zone)).toBe(intlReadingsForTests.offsetMinutesAt(ms, zone));
      }),
      { numRuns: 3_000 },
    );
  });

  it('given instants every 7 minutes across the 2024 daylight-saving switches, when read, then each equals Intl (the switch days themselves included)', () => {
    const windows: [string, number][] = [
      ['America/New_York', Date.UTC(2024, 2, 10, 0)],
      ['America/New_York', Date.UTC(2024, 10, 3, 0)],
      ['Europe/London', Date.UTC(2024, 2, 31, 0)],
      ['Europe/London', Date.UTC(2024, 9, 27, 0)],
      ['Australia/Lord_Howe', Date.UTC(2024, 3, 6, 0)],
    ];
    for (const [zone, start] of windows) {
      for (let ms = start - 86_400_000; ms < start + 2 * 86_400_000; ms += 7 * 60_000 + 13) {
        expect(toLocalDateTime(ms, zone)).toEqual(intlReadingsForTests.toLocalDateTime(ms, zone));
      }
    }
  });

  it('given a zone Intl does not know, when read, then it is refused with a RangeError as before', () => {
    expect(() => toLocalDateTime(Date.UTC(2025, 0, 1), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
