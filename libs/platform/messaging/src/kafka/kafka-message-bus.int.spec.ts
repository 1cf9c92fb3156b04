import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { HEADER, deadLetterTopic } from '@complaints/contracts';
import { eventually, kafkaBrokers, kafkaSkipReason } from '@complaints/testing';
import { KafkaMessageBus } from './kafka-message-bus';
import type { BusSubscription, DeliveredMessage } from '../message-bus.port';

/**
 * The consumer side of the Kafka adapter on the real broker the test command starts:
 * keyed order, retries, dead-lettering without blocking the partition. Every test uses
 * topics and groups of its own, so reruns on the same broker never see old messages.
 */
const brokers = kafkaBrokers();
const describeKafka = brokers ? describe : describe.skip;
if (!brokers) console.warn(`\n*** Kafka message bus integration tests SKIPPED: ${kafkaSkipReason()} ***\n`);

const run = `bus-int-${randomUUID().slice(0, 8)}`;
let topicCounter = 0;
const newTopic = (label: string) => `${run}.${label}.${++topicCounter}`;

type Payload = { key: string; seq: number };

describeKafka('KafkaMessageBus on the real broker', () => {
  let bus: KafkaMessageBus;
  let admin: Admin;
  const subscriptions: BusSubscription[] = [];
  const log: string[] = [];

  beforeAll(async () => {
    bus = new KafkaMessageBus({ brokers: brokers ?? [], clientId: run, partitions: 3, log: (line) => log.push(line) });
    admin = new Kafka({ clientId: `${run}-admin`, brokers: brokers ?? [], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await admin?.disconnect();
    await bus?.close();
  });

  /** Sum of the high watermarks of a topic's partitions: how many messages it holds. */
  const messagesIn = async (topic: string): Promise<number> =>
    (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);

  /** The group's committed offsets, by partition. */
  const committed = async (groupId: string, topic: string): Promise<Map<number, number>> => {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(entry.partitions.map((p) => [p.partition, Number(p.offset)]));
  };

  const send = (topic: string, payloads: Payload[]) =>
    bus.publish(
      payloads.map((p) => ({
        topic,
        key: p.key,
        value: JSON.stringify(p),
        headers: { [HEADER.eventId]: `${p.key}/${p.seq}`, [HEADER.eventType]: 'Tick', [HEADER.correlationId]: `corr-${p.key}` },
      })),
    );

  it('should deliver every published message once, keyed by complaint id, in publish order per key', async () => {
    const topic = newTopic('roundtrip');
    const groupId = `${topic}.group`;
    const keys = Array.from({ length: 24 }, () => randomUUID());
    const perKey = 15;
    const received: DeliveredMessage[] = [];
    subscriptions.push(
      await bus.subscribe({ groupId, topic, retryDelayMs: 10 }, async (m) => {
        received.push(m);
      }),
    );
    // Ten publishes, each interleaving every key, so order per key spans batches.
    for (let round = 0; round < 10; round++) {
      const batch: Payload[] = [];
      for (let seq = Math.floor((round * perKey) / 10); seq < Math.floor(((round + 1) * perKey) / 10); seq++) {
        for (const key of keys) batch.push({ key, seq });
      }
      await send(topic, batch);
    }
    const total = keys.length * perKey;
    await eventually(async () => (received.length >= total ? true : undefined), `${total} messages on ${topic}`, 30_000);
    // Let the consumer run a little longer: a duplicate would show up now.
    await new Promise((r) => setTimeout(r, 1_000));

    expect(received).toHaveLength(total);
    expect(new Set(received.map((m) => m.headers[HEADER.eventId])).size).toBe(total);
    for (const key of keys) {
      const mine = received.filter((m) => m.key === key);
      expect(mine.map((m) => (JSON.parse(m.value) as Payload).seq)).toEqual(Array.from({ length: perKey }, (_, i) => i));
      // One key, one partition: that is what keeps a complaint's events in order.
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
      expect(mine.every((m) => m.topic === topic && m.headers[HEADER.correlationId] === `corr-${key}` && m.headers[HEADER.eventType] === 'Tick')).toBe(true);
      // Offsets grow along the sequence.
      const offsets = mine.map((m) => BigInt(m.offset));
      for (let i = 1; i < offsets.length; i++) expect(offsets[i] > offsets[i - 1]).toBe(true);
    }
    // With 24 keys on 3 partitions, more than one partition is in use.
    expect(new Set(received.map((m) => m.partition)).size).toBeGreaterThan(1);
  }, 60_000);

  it('should dead-letter a message that always fails, with the error and its origin, and keep delivering the rest of its partition', async () => {
    const topic = newTopic('poison');
    const groupId = `${topic}.group`;
    const dlq = deadLetterTopic(topic);
    const key = randomUUID();
    const maxAttempts = 3;
    const calls: { seq: number; ok: boolean }[] = [];
    const delivered = new Map<number, DeliveredMessage>();
    const deadLetters: DeliveredMessage[] = [];

    subscriptions.push(
      await bus.subscribe({ groupId: `${topic}.dlq-reader`, topic: dlq, retryDelayMs: 10 }, async (m) => {
        deadLetters.push(m);
      }),
    );
    subscriptions.push(
      await bus.subscribe({ groupId, topic, maxAttempts, retryDelayMs: 20 }, async (m) => {
        const { seq } = JSON.parse(m.value) as Payload;
        delivered.set(seq, m);
        if (seq === 3) {
          calls.push({ seq, ok: false });
          throw new Error(`poison message ${seq} cannot be applied`);
        }
        calls.push({ seq, ok: true });
      }),
    );
    // One key, so all eight messages share a partition and the poison one sits in the middle.
    await send(
      topic,
      Array.from({ length: 8 }, (_, seq) => ({ key, seq })),
    );

    await eventually(async () => (calls.filter((c) => c.ok).length >= 7 && deadLetters.length >= 1 ? true : undefined), 'the partition to drain and the dead letter to arrive', 30_000);
    await new Promise((r) => setTimeout(r, 1_000));

    // The poison message was tried exactly maxAttempts times, then the partition moved on.
    expect(calls).toEqual([
      { seq: 0, ok: true },
      { seq: 1, ok: true },
      { seq: 2, ok: true },
      { seq: 3, ok: false },
      { seq: 3, ok: false },
      { seq: 3, ok: false },
      { seq: 4, ok: true },
      { seq: 5, ok: true },
      { seq: 6, ok: true },
      { seq: 7, ok: true },
    ]);

    // Exactly one dead letter: same key, value and original headers, plus the error and where it came from.
    expect(deadLetters).toHaveLength(1);
    const [dead] = deadLetters;
    const poison = delivered.get(3) as DeliveredMessage;
    const lastOfPartition = delivered.get(7) as DeliveredMessage;
    expect(lastOfPartition.partition).toBe(poison.partition);
    expect(dead.topic).toBe(dlq);
    expect(dead.key).toBe(key);
    expect(dead.value).toBe(poison.value);
    expect(dead.headers).toMatchObject({
      [HEADER.eventId]: `${key}/3`,
      [HEADER.correlationId]: `corr-${key}`,
      [HEADER.error]: 'Error: poison message 3 cannot be applied',
      [HEADER.originalTopic]: topic,
      [HEADER.attempts]: String(maxAttempts),
      'dlq-consumer-group': groupId,
      'dlq-original-partition': String(poison.partition),
      'dlq-original-offset': poison.offset,
    });
    expect(await messagesIn(dlq)).toBe(1);

    // The group's offset moved past the poison message to the end of the partition.
    await eventually(
      async () => ((await committed(groupId, topic)).get(poison.partition) === Number(lastOfPartition.offset) + 1 ? true : undefined),
      'the offset past the last message to be committed',
      10_000,
    );
    expect(log.some((line) => line.includes('dead-letter') && line.includes(groupId))).toBe(true);
  }, 60_000);

  it('should apply a message that fails twice and then succeeds exactly once, without dead-lettering it', async () => {
    const topic = newTopic('flaky');
    const groupId = `${topic}.group`;
    const dlq = deadLetterTopic(topic);
    await bus.ensureTopics([dlq]);
    const key = randomUUID();
    const attempts = new Map<number, number>();
    const applied: number[] = [];

    subscriptions.push(
      await bus.subscribe({ groupId, topic, maxAttempts: 5, retryDelayMs: 20 }, async (m) => {
        const { seq } = JSON.parse(m.value) as Payload;
        const attempt = (attempts.get(seq) ?? 0) + 1;
        attempts.set(seq, attempt);
        if (seq === 2 && attempt <= 2) throw new Error(`transient failure ${attempt}`);
        applied.push(seq);
      }),
    );
    await send(
      topic,
      Array.from({ length: 5 }, (_, seq) => ({ key, seq })),
    );

    await eventually(async () => (applied.length >= 5 ? true : undefined), 'five messages applied', 30_000);
    await new Promise((r) => setTimeout(r, 1_000));

    expect(applied).toEqual([0, 1, 2, 3, 4]);
    expect([...attempts.entries()].sort(([a], [b]) => a - b)).toEqual([
      [0, 1],
      [1, 1],
      [2, 3],
      [3, 1],
      [4, 1],
    ]);
    // Seq 4 was handled after seq 2 on the same partition, so a dead letter would be there by now.
    expect(await messagesIn(dlq)).toBe(0);
    expect(log.filter((line) => line.includes('dead-letter') && line.includes(groupId))).toEqual([]);
  }, 60_000);

  it('should hand a batch consumer whole batches and, when a batch holds a poison message, apply the rest and dead-letter only that one', async () => {
    const topic = newTopic('batches');
    const groupId = `${topic}.group`;
    const dlq = deadLetterTopic(topic);
    const key = randomUUID();
    const batchSizes: number[] = [];
    const applied: number[] = [];
    const deadLetters: DeliveredMessage[] = [];
    subscriptions.push(await bus.subscribe({ groupId: `${topic}.dlq-reader`, topic: dlq, retryDelayMs: 10 }, async (m) => void deadLetters.push(m)));
    // Published before the group joins, so the first fetch brings many of them at once.
    await send(topic, Array.from({ length: 40 }, (_, seq) => ({ key, seq })));
    const seqOf = (m: DeliveredMessage) => (JSON.parse(m.value) as Payload).seq;
    subscriptions.push(
      await bus.subscribe(
        { groupId, topic, maxAttempts: 2, retryDelayMs: 10 },
        {
          // All or nothing, like a transaction: a batch holding seq 17 applies none of it.
          batch: async (ms) => {
            batchSizes.push(ms.length);
            if (ms.some((m) => seqOf(m) === 17)) throw new Error('poison 17 in this batch');
            applied.push(...ms.map(seqOf));
          },
          each: async (m) => {
            if (seqOf(m) === 17) throw new Error('poison 17');
            applied.push(seqOf(m));
          },
        },
      ),
    );
    await eventually(async () => (applied.length >= 39 && deadLetters.length >= 1 ? true : undefined), '39 applied and one dead letter', 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(applied).toEqual(Array.from({ length: 40 }, (_, seq) => seq).filter((seq) => seq !== 17));
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(deadLetters.map(seqOf)).toEqual([17]);
    expect(log.some((line) => line.includes(groupId) && line.includes('one by one'))).toBe(true);
  }, 60_000);
});
