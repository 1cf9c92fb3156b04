/**
 * Typed domain errors. Plain `Error` subclasses so any shell can map them without a framework:
 * invalid_state → 409, validation → 400/422, forbidden → 403, not_found → 404 (docs/api.md "Errors").
 */

export type DomainErrorCode = 'invalid_state' | 'validation' | 'forbidden' | 'not_found';

export type ValidationProblem = { field: string; problem: string };

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The action is not allowed in the complaint's current status. The message always names that status. */
export class InvalidStateError extends DomainError {
  readonly code = 'invalid_state' as const;
  constructor(
    readonly action: string,
    readonly currentStatus: string,
    detail?: string,
  ) {
    super(`Cannot ${action}: the complaint's current status is '${currentStatus}'${detail ? ` (${detail})` : ''}`);
  }
}

export class ValidationError extends DomainError {
  readonly code = 'validation' as const;
  constructor(readonly details: ValidationProblem[]) {
    super(`Invalid input: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`);
  }
}

export type ForbiddenReason = 'role' | 'conflict_of_interest' | 'not_assignee' | 'authority_limit';

/** The acting user may not do this: wrong role, conflict of interest, not the assignee, or above their authority. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden' as const;
  constructor(
    readonly reason: ForbiddenReason,
    message: string,
    /** What the refusal is about, for a reader's language (e.g. the limit and the next approver). */
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found' as const;
  constructor(readonly entity: string, readonly id?: string) {
    super(id ? `${entity} ${id} not found` : `${entity} not found`);
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

/** Collects validation problems so one response names every offending field. */
export class ProblemList {
  private readonly problems: ValidationProblem[] = [];
  add(field: string, problem: string): this {
    this.problems.push({ field, problem });
    return this;
  }
  check(condition: boolean, field: string, problem: string): this {
    if (!condition) this.add(field, problem);
    return this;
  }
  get isEmpty(): boolean {
    return this.problems.length === 0;
  }
  throwIfAny(): void {
    if (this.problems.length > 0) throw new ValidationError([...this.problems]);
  }
}
