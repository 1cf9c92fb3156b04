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

export type SubscribeOptions = {
  /** Consumer group: each group receives every message once (at least once). */
  groupId: string;
  topic: string;
  /** Attempts before a message goes to the dead-letter topic (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt (default 100 ms). */
  retryDelayMs?: number;
};

export type BusSubscription = { stop(): Promise<void> };

export type MessageBus = {
  readonly kind: 'kafka' | 'memory';
  /** Resolves once the broker has acknowledged every message (acks=all on Kafka). */
  publish(messages: BusMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<BusSubscription>;
  close(): Promise<void>;
};

export type DeadLetterLog = (entry: { topic: string; groupId: string; key: string; error: string; attempts: number }) => void;
