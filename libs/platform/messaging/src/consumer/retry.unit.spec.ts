import { handleBatchWithRetry, handleWithRetry } from './retry';
import { isTransientError } from './transient-errors';
import type { DeliveredMessage } from '../message-bus.port';

const message: DeliveredMessage = { topic: 't.events.v1', partition: 2, offset: '41', key: 'k', value: '{}', headers: { 'event-id': 'e-1' } };
const options = { groupId: 'g', maxAttempts: 3, retryDelayMs: 1, maxDelayMs: 2 };
const pgError = (code: string, text = 'x') => Object.assign(new Error(text), { code });

describe('Consumer retries', () => {
  describe('Rule: a failure of the infrastructure is retried until it passes, never dead-lettered', () => {
    it('should keep retrying through a database restart and then handle the message', async () => {
      let calls = 0;
      const failures = [pgError('57P01', 'terminating connection due to administrator command'), new Error('Connection terminated unexpectedly'), pgError('ECONNREFUSED'), pgError('57P03')];
      const waits: number[] = [];
      const result = await handleWithRetry(
        message,
        async () => {
          const failure = failures[calls++];
          if (failure) throw failure;
        },
        { ...options, onWait: async () => void waits.push(calls) },
      );
      expect(result).toEqual({ outcome: { status: 'handled' } });
      expect(calls).toBe(5); // more than maxAttempts: none of these counted
      expect(waits).toEqual([1, 2, 3, 4]); // a heartbeat between attempts
    });

    it.each([
      ['a PostgreSQL connection exception (08006)', pgError('08006')],
      ['a deadlock', pgError('40P01')],
      ['a concurrent write to the same stream', pgError('wrong_expected_revision')],
      ['a Kafka connection error', Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' })],
      ['a rebalance', Object.assign(new Error('The coordinator is not aware of this member'), { name: 'KafkaJSProtocolError', retriable: false })],
      ['a TypeORM error around a lost connection', Object.assign(new Error('query failed'), { driverError: pgError('57P01') })],
      ['an error caused by a refused connection', new Error('wrapped', { cause: pgError('ECONNREFUSED') })],
    ])('should count %s as transient', (_what, error) => {
      expect(isTransientError(error)).toBe(true);
    });
  });

  describe('Rule: a message that keeps failing for its own reasons is dead-lettered after maxAttempts, so the partition flows', () => {
    it('should hand back a dead letter naming the error, the group and where the message came from', async () => {
      let calls = 0;
      const result = await handleWithRetry(
        message,
        async () => {
          calls++;
          throw new SyntaxError('Unexpected token } in JSON');
        },
        options,
      );
      expect(calls).toBe(3);
      expect(result.outcome).toEqual({ status: 'dead_lettered', error: 'SyntaxError: Unexpected token } in JSON', attempts: 3 });
      expect(result.deadLetter).toMatchObject({
        topic: 't.events.v1.dlq',
        key: 'k',
        value: '{}',
        headers: { 'event-id': 'e-1', 'dlq-consumer-group': 'g', 'dlq-original-partition': '2', 'dlq-original-offset': '41' },
      });
    });

    it.each([
      ['a domain refusal', Object.assign(new Error('Complaint is closed'), { code: 'invalid_state' })],
      ['a unique violation', pgError('23505')],
      ['a type error (a bug)', new TypeError("Cannot read properties of undefined (reading 'siteId')")],
    ])('should not count %s as transient', (_what, error) => {
      expect(isTransientError(error)).toBe(false);
    });
  });

  describe('Rule: a bus with one shared queue waits out an outage for a bounded time only', () => {
    it('should count infrastructure failures like any other once maxTransientMs has passed', async () => {
      let calls = 0;
      const result = await handleWithRetry(
        message,
        async () => {
          calls++;
          throw new TypeError('fetch failed', { cause: pgError('ECONNREFUSED') });
        },
        { ...options, maxTransientMs: 0 },
      );
      expect(calls).toBe(3);
      expect(result.outcome).toMatchObject({ status: 'dead_lettered', attempts: 3 });
    });
  });

  describe('Rule: a consumer that is stopping gives the message back instead of dead-lettering it', () => {
    it('should throw the failure so the offset is not committed', async () => {
      await expect(
        handleWithRetry(
          message,
          async () => {
            throw new Error('boom');
          },
          { ...options, isStopping: () => true },
        ),
      ).rejects.toThrow('boom');
    });
  });

  describe('Rule: a batch is one unit of work; when it fails for its own reasons, its messages go one by one and only the message at fault is dead-lettered', () => {
    const batch: DeliveredMessage[] = ['a', 'b', 'poison', 'c'].map((key, i) => ({ ...message, key, offset: String(i) }));

    it('should hand the whole batch to the batch handler once when it succeeds', async () => {
      const seen: string[][] = [];
      const each: string[] = [];
      const result = await handleBatchWithRetry(batch, { batch: async (ms) => void seen.push(ms.map((m) => m.key)), each: async (m) => void each.push(m.key) }, options);
      expect(seen).toEqual([['a', 'b', 'poison', 'c']]);
      expect(each).toEqual([]);
      expect(result).toEqual({ handled: 4, deadLetters: [], errors: [] });
    });

    it('should retry the batch through an outage without splitting it', async () => {
      let calls = 0;
      const each: string[] = [];
      await handleBatchWithRetry(
        batch,
        {
          batch: async () => {
            if (calls++ < 3) throw pgError('57P01', 'terminating connection due to administrator command');
          },
          each: async (m) => void each.push(m.key),
        },
        options,
      );
      expect(calls).toBe(4);
      expect(each).toEqual([]);
    });

    it('should split a batch that fails for its own reason and dead-letter only the poison message', async () => {
      const applied: string[] = [];
      const splits: number[] = [];
      const result = await handleBatchWithRetry(
        batch,
        {
          batch: async () => {
            throw new SyntaxError('Unexpected token p in JSON');
          },
          each: async (m) => {
            if (m.key === 'poison') throw new SyntaxError('Unexpected token p in JSON');
            applied.push(m.key);
          },
        },
        { ...options, onSplit: (_e, size) => void splits.push(size) },
      );
      expect(splits).toEqual([4]);
      expect(applied).toEqual(['a', 'b', 'c']);
      expect(result.deadLetters.map((d) => [d.key, d.topic])).toEqual([['poison', 't.events.v1.dlq']]);
      expect(result.errors).toHaveLength(1);
    });

    it('should deliver one message at a time to a consumer without a batch handler', async () => {
      const applied: string[] = [];
      await handleBatchWithRetry(batch, { each: async (m) => void applied.push(m.key) }, options);
      expect(applied).toEqual(['a', 'b', 'poison', 'c']);
    });
  });
});
