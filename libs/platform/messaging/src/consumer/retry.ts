import { HEADER, deadLetterTopic } from '@complaints/contracts';
import type { BusMessage, DeliveredMessage, MessageHandler } from '../message-bus.port';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type RetryOutcome = { status: 'handled' } | { status: 'dead_lettered'; error: string; attempts: number };

/**
 * Runs a handler with exponential back-off; when it still fails, hands back a
 * dead-letter message (same key, value and headers plus the error) so the caller
 * can publish it and move on: a poison message never blocks its partition.
 */
export const handleWithRetry = async (
  message: DeliveredMessage,
  handler: MessageHandler,
  groupId: string,
  maxAttempts: number,
  retryDelayMs: number,
  isStopping: () => boolean = () => false,
): Promise<{ outcome: RetryOutcome; deadLetter?: BusMessage }> => {
  let lastError = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      await handler(message);
      return { outcome: { status: 'handled' } };
    } catch (error) {
      lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (isStopping()) throw error;
      if (attempt < maxAttempts) await sleep(retryDelayMs * 2 ** (attempt - 1));
    }
  }
  return {
    outcome: { status: 'dead_lettered', error: lastError, attempts: maxAttempts },
    deadLetter: {
      topic: deadLetterTopic(message.topic),
      key: message.key,
      value: message.value,
      headers: {
        ...message.headers,
        [HEADER.error]: lastError.slice(0, 2000),
        [HEADER.originalTopic]: message.topic,
        [HEADER.attempts]: String(maxAttempts),
        'dlq-consumer-group': groupId,
        'dlq-original-partition': String(message.partition),
        'dlq-original-offset': message.offset,
      },
    },
  };
};
