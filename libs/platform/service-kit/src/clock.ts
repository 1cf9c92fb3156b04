/**
 * Time comes from outside the domain (docs/architecture.md "Code conventions"). Services read it through this port so
 * tests, and the deadline scheduler's tests in particular, can move time forward.
 */
export type Clock = { now(): Date };

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance; also used by the embedded launcher when CLOCK_OFFSET_MS is set. */
export class AdjustableClock implements Clock {
  constructor(private offsetMs = 0) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  set(to: Date): void {
    this.offsetMs = to.getTime() - Date.now();
  }
}
