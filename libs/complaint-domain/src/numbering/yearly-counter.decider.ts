/**
 * The yearly complaint counter of one site — a tiny decider of its own.
 *
 * How the services keep numbers unique and gap-free under concurrency:
 *   1. One stream per site and year, `numbering-<siteId>-<year>` (year = site-local
 *      year of receipt).
 *   2. To register, intake reads that stream, folds it, and `decideYearlyCounter` yields
 *      `ComplaintSerialAllocated { serial: last + 1, complaintId }`; the event is appended with
 *      the expected revision it read. Two concurrent registrations cannot both append at the
 *      same revision: the loser gets a version conflict, re-reads, and takes the next serial.
 *      Unique: one serial per revision. Gap-free: serials are last + 1, and nothing else
 *      appends to the stream.
 *   3. The allocation names the complaint id, so it is idempotent: allocating again for the
 *      same id returns no event and the serial already held (`serialOf`). If the process dies
 *      between allocating and appending `ComplaintRegistered`, the retry (same complaint id,
 *      e.g. from the Idempotency-Key) reuses the serial instead of leaving a hole.
 */
import { ProblemList } from '../common/domain-errors';

export type YearlyCounterState = { siteId?: string; year?: number; last: number; serials: Readonly<Record<string, number>> };

export type AllocateComplaintSerial = {
  type: 'AllocateComplaintSerial';
  data: { siteId: string; year: number; complaintId: string };
  metadata: { now: string };
};

export type ComplaintSerialAllocated = {
  type: 'ComplaintSerialAllocated';
  data: { siteId: string; year: number; complaintId: string; serial: number; at: string };
};

export const yearlyCounterStreamName = (siteId: string, year: number): string => `numbering-${siteId}-${year}`;

export const initialYearlyCounterState = (): YearlyCounterState => ({ last: 0, serials: {} });

export const evolveYearlyCounter = (state: YearlyCounterState, event: ComplaintSerialAllocated): YearlyCounterState => ({
  siteId: event.data.siteId,
  year: event.data.year,
  last: Math.max(state.last, event.data.serial),
  serials: { ...state.serials, [event.data.complaintId]: event.data.serial },
});

export const decideYearlyCounter = (command: AllocateComplaintSerial, state: YearlyCounterState): ComplaintSerialAllocated[] => {
  const { siteId, year, complaintId } = command.data;
  const problems = new ProblemList();
  problems.check(typeof siteId === 'string' && siteId !== '', 'siteId', 'required');
  problems.check(Number.isInteger(year) && year >= 2000 && year <= 9999, 'year', 'must be a four-digit year');
  problems.check(typeof complaintId === 'string' && complaintId !== '', 'complaintId', 'required');
  if (state.siteId !== undefined) problems.check(state.siteId === siteId && state.year === year, 'siteId', `this counter belongs to ${state.siteId} ${state.year}`);
  problems.throwIfAny();
  if (state.serials[complaintId] !== undefined) return [];
  return [{ type: 'ComplaintSerialAllocated', data: { siteId, year, complaintId, serial: state.last + 1, at: command.metadata.now } }];
};

/** The serial held by a complaint id (after folding the counter stream). */
export const serialOf = (state: YearlyCounterState, complaintId: string): number | undefined => state.serials[complaintId];
