/**
 * The EventStoreDB adapter of the event-store port: the production store.
 * The only file that imports `@eventstore/db-client`; moving to its renamed successor
 * (`@kurrent/kurrentdb-client`, same API shape) is a change to this folder only.
 *
 * Positions: the port's single `position` is EventStoreDB's commit position. For
 * events written by a regular (non-transactional) append, commit and prepare
 * positions are equal, so a checkpoint `p` resumes from `{ commit: p, prepare: p }`.
 *
 * No unit of work (`commitUnit` is absent on purpose). EventStoreDB appends to one stream
 * atomically and nothing more: it has no transaction across streams, and the rows a unit
 * carries (idempotency claims, data keys) live in PostgreSQL, which no EventStoreDB write
 * can join. With this adapter a registration therefore commits its steps one after the
 * other, each safe to repeat, in an order that makes a crash between two of them harmless:
 * the idempotency claim first (it fixes the complaint id), then the serial number
 * (allocated for that complaint id, so a retry gets the same number back), the
 * complainant's data key (made once per subject), and the complaint's events last, with
 * ids derived from the complaint id (a re-append is a no-op). A crash leaves at most a
 * claim, a serial and a key that the client's retry with the same Idempotency-Key picks
 * up; without a retry, a serial is held by a complaint that was never written (a gap an
 * auditor can explain from the counter stream). Group commit does not apply: each append
 * is one gRPC call, and EventStoreDB batches its own writes to disk.
 */
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type JSONType,
  type ResolvedEvent,
  type ReadPosition,
} from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Subscription,
  type SubscriptionHandler,
  type SubscriptionOptions,
} from '../event-store.port';

export type EventStoreDbOptions = ({ connectionString: string } | { client: EventStoreDBClient }) & {
  /** The hash chain's key: appends by chain v2 (EventStoreDB keeps no signed heads, see hash-chain.ts). */
  chainKey?: Buffer;
};

const toExpected = (expected: ExpectedRevision): AppendExpectedRevision => {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return expected;
};

const toRecorded = (resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined => {
  const event = resolved.event;
  if (!event || !event.isJson) return undefined;
  const position = event.position?.commit ?? resolved.commitPosition;
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: event.revision,
    position: position ?? -1n,
    data: event.data as Record<string, unknown>,
    metadata: (event.metadata ?? {}) as EventMetadata,
    // Chain v2 hashes the recorded time the writer gave (metadata.recordedAt); EventStoreDB keeps its own beside it.
    recordedAt:
      (event.metadata as EventMetadata | undefined)?.chain !== undefined && typeof (event.metadata as EventMetadata).recordedAt === 'string'
        ? new Date(String((event.metadata as EventMetadata).recordedAt))
        : event.created instanceof Date
          ? event.created
          : new Date(Number(event.created) / 10_000 - 62_135_596_800_000),
  };
};

export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;
  readonly chainKey?: Buffer;

  constructor(options: EventStoreDbOptions) {
    this.chainKey = options.chainKey;
    if ('client' in options) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      this.client = EventStoreDBClient.connectionString`${options.connectionString}`;
      this.ownsClient = true;
    }
  }

  async appendToStream(streamId: string, events: EventToAppend[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: e.metadata as JSONType })),
        { expectedRevision: toExpected(expected) },
      );
      return { nextExpectedRevision: result.nextExpectedRevision, position: result.position?.commit ?? -1n };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = typeof error.actualVersion === 'bigint' ? error.actualVersion : 'no_stream';
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      })) {
        const recorded = toRecorded(resolved);
        if (recorded) out.push(recorded);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    if (!(options.maxCount > 0)) throw new RangeError('readAll needs a positive maxCount');
    const out: RecordedEvent[] = [];
    let from: ReadPosition = options.after === undefined ? START : { commit: options.after, prepare: options.after };
    // readAll has no server-side stream filter in this client: page until the batch is full.
    for (;;) {
      let read = 0;
      let last: bigint | undefined;
      for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: options.maxCount, direction: FORWARDS })) {
        read++;
        const recorded = toRecorded(resolved);
        const position = resolved.event?.position?.commit;
        if (position !== undefined) last = position;
        if (!recorded || recorded.streamId.startsWith('$')) continue;
        if (options.after !== undefined && recorded.position <= options.after) continue;
        if (options.streamPrefix && !recorded.streamId.startsWith(options.streamPrefix)) continue;
        out.push(recorded);
        if (out.length === options.maxCount) return out;
      }
      if (read < options.maxCount || last === undefined) return out;
      from = { commit: last, prepare: last };
      options = { ...options, after: last };
    }
  }

  subscribeToAll(options: SubscriptionOptions, handler: SubscriptionHandler): Subscription {
    const subscription = this.client.subscribeToAll({
      fromPosition: options.after === undefined ? START : { commit: options.after, prepare: options.after },
      filter: options.streamPrefix ? streamNameFilter({ prefixes: [options.streamPrefix] }) : excludeSystemEvents(),
    });
    let stopped = false;
    const done = (async () => {
      try {
        for await (const resolved of subscription) {
          if (stopped) break;
          const recorded = toRecorded(resolved);
          if (recorded) await handler([recorded]);
        }
      } finally {
        await subscription.unsubscribe().catch(() => undefined);
      }
    })();
    return {
      done,
      stop: async () => {
        stopped = true;
        await subscription.unsubscribe().catch(() => undefined);
        await done.catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.dispose();
  }
}
