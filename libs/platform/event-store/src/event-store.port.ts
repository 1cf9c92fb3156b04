/**
 * The event-store port. Complaint history is the source of truth; every adapter
 * (PostgreSQL for the embedded default and CI, EventStoreDB in production) honours
 * the same contract, checked by one shared suite (`event-store.contract.ts`).
 *
 * No framework or client-library types appear here, so the domain-facing code and
 * the services depend on this file only.
 */

/** Where a stream must be for an append to go through (optimistic concurrency). */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | bigint;

export type EventActor = { id: string; role: string };

/** Metadata every stored event carries (docs/architecture.md "Source of truth"). */
export type EventMetadata = {
  actor?: EventActor;
  occurredAt?: string;
  correlationId?: string;
  causationId?: string;
  /** Hash chain for tamper evidence; filled by `chainEvents`. */
  prevHash?: string;
  hash?: string;
  [key: string]: unknown;
};

export type EventToAppend = {
  /** Event id (uuid). Re-appending the same ids is idempotent. */
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
};

export type RecordedEvent = {
  id: string;
  type: string;
  streamId: string;
  /** 0-based position of the event within its stream. */
  revision: bigint;
  /** Position in the store's total order ($all); strictly increasing for a reader. */
  position: bigint;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: Date;
};

export type AppendResult = {
  /** Revision of the last event in the stream after the append. */
  nextExpectedRevision: bigint;
  /** Global position of the last appended event. */
  position: bigint;
};

export type ReadStreamOptions = {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision (default: start for forwards, end for backwards). */
  fromRevision?: bigint;
  maxCount?: number;
};

export type ReadAllOptions = {
  /** Exclusive: events strictly after this position. Omit to start at the beginning. */
  after?: bigint;
  /** Bounded batch size; readers page through `$all` instead of loading it whole. */
  maxCount: number;
  /** Only streams whose id starts with this prefix (e.g. `complaint-`). */
  streamPrefix?: string;
};

export type SubscriptionOptions = {
  /** Checkpoint: deliver events strictly after this position. */
  after?: bigint;
  streamPrefix?: string;
  batchSize?: number;
};

/**
 * Receives events in position order; a batch is acknowledged only when the promise
 * resolves. If it rejects, the subscription stops and reports the error.
 */
export type SubscriptionHandler = (events: RecordedEvent[]) => Promise<void>;

export type Subscription = {
  /** Stops delivery; resolves when the in-flight batch has finished. */
  stop(): Promise<void>;
  /** Resolves when the subscription stops; rejects with the handler's error. */
  readonly done: Promise<void>;
};

/**
 * A stream's signed head (hash chain v2): the revision and hash of its last event, and
 * an HMAC over them (`headMac`) made with the chain key, which the store never holds.
 * Kept apart from the events and replaced by each keyed append in the same transaction.
 */
export type StreamHead = { streamId: string; revision: bigint; hash: string; mac: string };

export type AppendOptions = {
  expectedRevision?: ExpectedRevision;
  /** The signed head after this append (the stream's new last event); stored by stores that keep heads. */
  headMac?: string;
};

/**
 * A row kept beside the events that must commit with them or not at all (an idempotency
 * claim, a data subject's key): inserted as new — a row with the same key already there
 * fails the whole unit (`UnitRecordError`, reason `exists`). `table` is `schema.table`.
 * Buffer values are stored as bytes.
 */
export type UnitInsert = { insert: string; row: Record<string, string | number | boolean | null | Buffer> };
/** A guard: the unit fails (`UnitRecordError`, reason `present`) when `table` holds a row matching `where`. */
export type UnitGuard = { absent: string; where: Record<string, string> };
export type UnitRecord = UnitInsert | UnitGuard;

/**
 * A unit of work: records and appends (each with its expected revision) that commit
 * together or not at all, e.g. one registration — the idempotency claim, the serial
 * number's allocation, the complainant's data key and the complaint's first events.
 * Records are checked and written first, then the appends in order.
 */
export type UnitOfWork = {
  records?: UnitRecord[];
  appends: { streamId: string; events: EventToAppend[]; options?: AppendOptions }[];
};

/** What a committed unit did: one result per append, in order. */
export type UnitOfWorkResult = { appends: AppendResult[] };

/** A unit of work failed on one of its records (index into `records`); nothing of it was kept. */
export class UnitRecordError extends Error {
  readonly code = 'unit_record' as const;
  constructor(
    readonly index: number,
    readonly reason: 'exists' | 'present',
    readonly table: string,
  ) {
    super(`Unit of work refused: record ${index} (${table}) ${reason === 'exists' ? 'exists already' : 'is barred by an existing row'}`);
    this.name = 'UnitRecordError';
  }
}

export const isUnitRecordError = (error: unknown): error is UnitRecordError => error instanceof UnitRecordError;

export type EventStore = {
  appendToStream(streamId: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Commits a unit of work in one transaction: everything or nothing. A unit that fails
   * (an expected revision not met: `WrongExpectedRevisionError`; a record: `UnitRecordError`)
   * leaves no trace. Units arriving together in one process may share a transaction and a
   * WAL flush (group commit), each with its own outcome. Absent on stores that cannot write
   * rows and events atomically (EventStoreDB: the caller then makes each step idempotent
   * and commits them one by one — see eventstoredb-event-store.ts).
   */
  commitUnit?(unit: UnitOfWork): Promise<UnitOfWorkResult>;
  /** Returns [] for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription: reads history from the checkpoint, then continues live. */
  subscribeToAll(options: SubscriptionOptions, handler: SubscriptionHandler): Subscription;
  close(): Promise<void>;
  /**
   * The hash chain's key (kept outside the database): with it, `handleCommand` appends by
   * chain v2 (keyed, with revision and recorded time) and signs the stream's head.
   */
  readonly chainKey?: Buffer;
  /** The stream's signed head (`null`: none stored); absent on stores that keep no heads. */
  readStreamHead?(streamId: string): Promise<StreamHead | null>;
};

export class WrongExpectedRevisionError extends Error {
  readonly code = 'wrong_expected_revision' as const;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export const isWrongExpectedRevision = (error: unknown): error is WrongExpectedRevisionError =>
  error instanceof WrongExpectedRevisionError;
