/**
 * Instants travel as ISO-8601 strings. The domain normalises every instant it writes to the
 * canonical UTC form (`toISOString()`), so the same moment always has the same spelling —
 * which the scheduler's idempotency keys rely on — and strings compare chronologically.
 */

export type IsoInstant = string;

const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export const isIsoInstant = (value: unknown): value is string =>
  typeof value === 'string' && ISO_PATTERN.test(value) && !Number.isNaN(Date.parse(value));

export const toMillis = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO-8601 instant: ${iso}`);
  return ms;
};

export const canonicalInstant = (iso: string): IsoInstant => new Date(toMillis(iso)).toISOString();

export const fromMillis = (ms: number): IsoInstant => new Date(ms).toISOString();

export const earliest = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : toMillis(a) <= toMillis(b) ? a : b;
