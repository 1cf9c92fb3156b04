/**
 * The message-bus port: Kafka in the distributed topology, an in-process bus in the
 * embedded default. Delivery is at-least-once; consumers make effects idempotent.
 */
export type BusMessage = {
  topic: string;
  /** Partitioning key: the complaint id, so one complaint's messages stay in order. */
  key: string;
  value: string;
  headers: Record<string, string>;
};

export type DeliveredMessage = BusMessage & { partition: number; offset: string };

export type MessageHandler = (message: DeliveredMessage) => Promise<void>;

/**
 * Handles a delivered batch as one unit of work (one transaction for the whole batch).
 * The messages of one key arrive in order. A batch handler must be idempotent per
 * message: after a failure the bus hands the same messages to `each`, one by one, so a
 * message that fails for its own reasons goes to the dead-letter topic alone.
 */
export type BatchHandler = (messages: DeliveredMessage[]) => Promise<void>;

/** A consumer that takes batches: `batch` for the normal path, `each` for the one-by-one fallback. */
export type ConsumerHandlers = { batch: BatchHandler; each: MessageHandler };

export type SubscribeOptions = {
  /** Consumer group: each group receives every message once (at least once). */
  groupId: string;
  topic: string;
  /** Attempts before a message goes to the dead-letter topic (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt (default 100 ms). */
  retryDelayMs?: number;
  /** Most messages handed to a batch handler at once (default 500). */
  maxBatchSize?: number;
  /** Told how many messages this group has just dead-lettered (metrics). */
  onDeadLetters?: (count: number) => void;
};

export type BusSubscription = { stop(): Promise<void> };

export type MessageBus = {
  /**
   * kafka: the broker; memory: in-process delivery of what is published (tests);
   * store: the embedded default, each consumer group reading the event store itself.
   */
  readonly kind: 'kafka' | 'memory' | 'store';
  /** Resolves once the broker has acknowledged every message (acks=all on Kafka). */
  publish(messages: BusMessage[]): Promise<void>;
  /** A plain handler gets one message at a time; `ConsumerHandlers` get batches. */
  subscribe(options: SubscribeOptions, handler: MessageHandler | ConsumerHandlers): Promise<BusSubscription>;
  close(): Promise<void>;
};

export type DeadLetterLog = (entry: { topic: string; groupId: string; key: string; error: string; attempts: number }) => void;

/** The handlers of a subscription, whichever form it was given in (a plain handler: one message at a time). */
export const consumerHandlers = (handler: MessageHandler | ConsumerHandlers): { batch?: BatchHandler; each: MessageHandler } =>
  typeof handler === 'function' ? { each: handler } : handler;
