import type { EventStore, RecordedEvent, StreamHead } from './event-store.port';
import { verifyChain, type ChainVerification } from './hash-chain';

export type StreamVerification = { events: RecordedEvent[]; head: StreamHead | null | undefined; verification: ChainVerification };

/**
 * Reads a whole stream together with its signed head and verifies both with the store's
 * chain key. The head is read before and after the events: an append commits its events
 * and its head together, so an unchanged head means the events read belong to it (a
 * concurrent append is not mistaken for tampering: the read is simply made again).
 */
export const verifyStoredStream = async (store: EventStore, streamId: string, attempts = 5): Promise<StreamVerification> => {
  for (let attempt = 1; ; attempt++) {
    const before = store.readStreamHead ? await store.readStreamHead(streamId) : undefined;
    const events = await store.readStream(streamId);
    const after = store.readStreamHead ? await store.readStreamHead(streamId) : undefined;
    const unchanged = before?.revision === after?.revision && before?.mac === after?.mac;
    if (unchanged || attempt >= attempts) {
      return { events, head: after, verification: verifyChain(events, { key: store.chainKey, streamId, head: after }) };
    }
  }
};
