import { HEADER, deadLetterTopic } from '@complaints/contracts';
import type { BusMessage, DeliveredMessage, MessageHandler } from '../message-bus.port';
import { isTransientError } from './transient-errors';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type RetryOutcome = { status: 'handled' } | { status: 'dead_lettered'; error: string; attempts: number };

export type RetryOptions = {
  groupId: string;
  /** Attempts before a message that keeps failing for its own reasons is dead-lettered. */
  maxAttempts: number;
  retryDelayMs: number;
  /** Longest wait between attempts while the infrastructure is down. */
  maxDelayMs?: number;
  /**
   * How long infrastructure failures are waited out before they count like any other
   * (default: for ever). A bus whose consumers share one delivery queue (the in-process
   * bus) sets it, so one unreachable webhook cannot hold up every other consumer.
   */
  maxTransientMs?: number;
  /** True once the consumer is stopping: the failure is thrown and the offset not committed. */
  isStopping?: () => boolean;
  /** Called between attempts (a Kafka consumer's heartbeat, so a long outage does not cost its partitions). */
  onWait?: () => Promise<void>;
  /** Told of each transient failure (for the log). */
  onTransient?: (error: unknown, attempt: number) => void;
};

const errorText = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Runs a handler until it succeeds. A failure of the infrastructure (`isTransientError`:
 * database or broker restarting, connection lost, deadlock) is retried with back-off for
 * as long as it lasts — the message is not at fault, and dead-lettering it would lose the
 * event for this consumer. Any other failure is retried `maxAttempts` times, then a
 * dead-letter message (same key, value and headers plus the error) is handed back for the
 * caller to publish: a poison message never blocks its partition.
 */
export const handleWithRetry = async (message: DeliveredMessage, handler: MessageHandler, options: RetryOptions): Promise<{ outcome: RetryOutcome; deadLetter?: BusMessage }> => {
  const maxDelay = options.maxDelayMs ?? 5_000;
  let lastError = '';
  let failures = 0;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await handler(message);
      return { outcome: { status: 'handled' } };
    } catch (error) {
      lastError = errorText(error);
      if (options.isStopping?.()) throw error;
      const waitedOut = options.maxTransientMs !== undefined && Date.now() - started >= options.maxTransientMs;
      if (isTransientError(error) && !waitedOut) options.onTransient?.(error, attempt);
      else if (++failures >= options.maxAttempts) break;
      await sleep(Math.min(maxDelay, options.retryDelayMs * 2 ** Math.min(attempt - 1, 10)));
      await options.onWait?.();
    }
  }
  return {
    outcome: { status: 'dead_lettered', error: lastError, attempts: failures },
    deadLetter: {
      topic: deadLetterTopic(message.topic),
      key: message.key,
      value: message.value,
      headers: {
        ...message.headers,
        [HEADER.error]: lastError.slice(0, 2000),
        [HEADER.originalTopic]: message.topic,
        [HEADER.attempts]: String(failures),
        'dlq-consumer-group': options.groupId,
        'dlq-original-partition': String(message.partition),
        'dlq-original-offset': message.offset,
      },
    },
  };
};

export type BatchRetryOptions = RetryOptions & {
  /** Told when a batch failed for a reason of its own and is handed out one message at a time. */
  onSplit?: (error: unknown, size: number) => void;
};

/**
 * Delivers a batch: the batch handler first (one transaction for all of it), retried for
 * as long as the infrastructure fails; when it fails for any other reason, the messages
 * go one by one through `handleWithRetry`, so only a message at fault is dead-lettered
 * and the rest are applied (the handlers skip what the failed batch may have applied:
 * they are idempotent per message). Without a batch handler every message goes alone.
 * Returns the dead letters to publish, in order.
 */
export const handleBatchWithRetry = async (
  messages: DeliveredMessage[],
  handlers: { batch?: (messages: DeliveredMessage[]) => Promise<void>; each: MessageHandler },
  options: BatchRetryOptions,
): Promise<{ handled: number; deadLetters: BusMessage[]; errors: string[] }> => {
  const maxDelay = options.maxDelayMs ?? 5_000;
  if (handlers.batch && messages.length > 0) {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await handlers.batch(messages);
        return { handled: messages.length, deadLetters: [], errors: [] };
      } catch (error) {
        if (options.isStopping?.()) throw error;
        const waitedOut = options.maxTransientMs !== undefined && Date.now() - started >= options.maxTransientMs;
        if (!isTransientError(error) || waitedOut) {
          options.onSplit?.(error, messages.length);
          break;
        }
        options.onTransient?.(error, attempt);
        await sleep(Math.min(maxDelay, options.retryDelayMs * 2 ** Math.min(attempt - 1, 10)));
        await options.onWait?.();
      }
    }
  }
  const deadLetters: BusMessage[] = [];
  const errors: string[] = [];
  for (const message of messages) {
    const { outcome, deadLetter } = await handleWithRetry(message, handlers.each, options);
    if (deadLetter && outcome.status === 'dead_lettered') {
      deadLetters.push(deadLetter);
      errors.push(`${message.topic} key ${message.key}@${message.offset} after ${outcome.attempts} attempts: ${outcome.error}`);
    }
  }
  return { handled: messages.length, deadLetters, errors };
};
