import { GENESIS_HASH, chainEvents, headMac, nextRecordedAt } from './hash-chain';
import { isWrongExpectedRevision, type AppendOptions, type EventMetadata, type EventStore, type EventToAppend, type RecordedEvent } from './event-store.port';

/**
 * Links events onto the stream read as `history` (which ends with the stream's last event)
 * and says how to append them: with the store's chain key, by chain v2 (keyed, revision
 * and recorded time hashed) with the signed head of the stream after the append; without
 * one, by chain v1. Always with the exact expected revision, which the head relies on.
 */
export const linkForAppend = (
  store: Pick<EventStore, 'chainKey'>,
  streamId: string,
  history: Pick<RecordedEvent, 'revision' | 'recordedAt' | 'metadata'>[],
  events: EventToAppend[],
): { events: EventToAppend[]; options: AppendOptions } => {
  const currentRevision = history.length ? history[history.length - 1].revision : undefined;
  const expectedRevision = currentRevision === undefined ? ('no_stream' as const) : currentRevision;
  const key = store.chainKey;
  const prevHash = history.length ? (history[history.length - 1].metadata.hash ?? GENESIS_HASH) : GENESIS_HASH;
  if (!key) return { events: chainEvents(prevHash, events), options: { expectedRevision } };
  const firstRevision = currentRevision === undefined ? 0n : currentRevision + 1n;
  const linked = chainEvents(prevHash, events, { key, streamId, firstRevision, recordedAt: nextRecordedAt(history) });
  const last = linked[linked.length - 1];
  return {
    events: linked,
    options: { expectedRevision, headMac: headMac(key, { streamId, revision: firstRevision + BigInt(linked.length - 1), hash: String(last.metadata.hash) }) },
  };
};

/** Any decider: plain functions over plain data (docs/architecture.md "Code conventions", Emmett). */
export type Decider<State, Command, Event extends { type: string; data: object }> = {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => Event[];
};

export type CommandHandlingOptions<Event> = {
  /** Metadata stored with every produced event (actor, correlation and causation ids…). */
  metadata: EventMetadata;
  /**
   * Event ids for the produced events. Deterministic ids (e.g. derived from an
   * idempotency key or a timer key) make a retried command a no-op at the store.
   */
  eventIds: (events: Event[]) => string[];
  /** Attempts on a concurrent-write conflict before giving up (default 5). */
  maxAttempts?: number;
  /**
   * Turns the decided events into what is stored, before they are hash-chained — e.g.
   * seals personal values (crypto-shredding), so the chain covers the stored ciphertext
   * and still verifies after the key is destroyed.
   */
  encode?: (events: EventToAppend[]) => Promise<EventToAppend[]>;
  /**
   * The part of the stream the decision needs, oldest first, ending with the stream's
   * last event (default: the whole stream). A decider whose state only depends on the
   * latest events (a counter) reads a short tail instead of a history that grows forever.
   */
  readHistory?: (store: EventStore, streamId: string) => Promise<RecordedEvent[]>;
};

export type CommandResult<State, Event> = {
  state: State;
  newEvents: Event[];
  /** Revision of the stream after the command (-1n for an untouched empty stream). */
  nextExpectedRevision: bigint;
  /** The events of the stream read before the command (all of them unless `readHistory` reads less). */
  history: RecordedEvent[];
};

/**
 * read stream → fold with `evolve` → `decide` → append with the expected revision →
 * on a concurrent write, start again from a fresh read (Emmett's handleCommand). The
 * hash chain is extended here, so every writer links events the same way. Nothing is
 * appended when `decide` throws.
 */
export const handleCommand = async <State, Command, Event extends { type: string; data: object }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  options: CommandHandlingOptions<Event>,
): Promise<CommandResult<State, Event>> => {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const history = options.readHistory ? await options.readHistory(store, streamId) : await store.readStream(streamId);
    const state = history.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as unknown as Event), decider.initialState());
    const newEvents = decider.decide(command, state);
    const currentRevision = history.length ? history[history.length - 1].revision : undefined;
    if (newEvents.length === 0) {
      return { state, newEvents, nextExpectedRevision: currentRevision ?? -1n, history };
    }
    const ids = options.eventIds(newEvents);
    const decided = newEvents.map((e, i) => ({ id: ids[i], type: e.type, data: e.data as Record<string, unknown>, metadata: options.metadata }));
    const link = linkForAppend(store, streamId, history, options.encode ? await options.encode(decided) : decided);
    try {
      const result = await store.appendToStream(streamId, link.events, link.options);
      const finalState = newEvents.reduce(decider.evolve, state);
      return { state: finalState, newEvents, nextExpectedRevision: result.nextExpectedRevision, history };
    } catch (error) {
      if (isWrongExpectedRevision(error) && attempt < maxAttempts) continue;
      throw error;
    }
  }
};

export type PreparedAppend<State, Event> = {
  state: State;
  newEvents: Event[];
  /** The stream's state after the decided events. */
  finalState: State;
  /** What to append (hash-chained, with the expected revision), or undefined when the command decided nothing. */
  append?: { streamId: string; events: EventToAppend[]; options: AppendOptions };
};

/**
 * `handleCommand`'s decide-and-link step alone, synchronous and without appending: for a
 * unit of work (`EventStore.commitUnit`) that commits these events together with other
 * writes. `history` is the stream as the caller knows it (ending with its last event);
 * `encode` turns the decided events into what is stored before they are chained. The
 * append carries the exact expected revision: a stale history is refused by the store.
 */
export const prepareAppend = <State, Command, Event extends { type: string; data: object }>(
  store: Pick<EventStore, 'chainKey'>,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  history: Pick<RecordedEvent, 'type' | 'data' | 'revision' | 'recordedAt' | 'metadata'>[],
  options: Pick<CommandHandlingOptions<Event>, 'metadata' | 'eventIds'> & { encode?: (events: EventToAppend[]) => EventToAppend[] },
): PreparedAppend<State, Event> => {
  const state = history.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as unknown as Event), decider.initialState());
  const newEvents = decider.decide(command, state);
  if (newEvents.length === 0) return { state, newEvents, finalState: state };
  const ids = options.eventIds(newEvents);
  const decided = newEvents.map((e, i) => ({ id: ids[i], type: e.type, data: e.data as Record<string, unknown>, metadata: options.metadata }));
  const link = linkForAppend(store, streamId, history, options.encode ? options.encode(decided) : decided);
  return { state, newEvents, finalState: newEvents.reduce(decider.evolve, state), append: { streamId, events: link.events, options: link.options } };
};
