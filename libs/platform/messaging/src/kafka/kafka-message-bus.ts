import { Kafka, logLevel, type Admin, type Consumer, type Producer, type IHeaders, CompressionTypes } from 'kafkajs';
import { consumerHandlers, type BusMessage, type BusSubscription, type ConsumerHandlers, type DeliveredMessage, type MessageBus, type MessageHandler, type SubscribeOptions } from '../message-bus.port';
import { handleBatchWithRetry } from '../consumer/retry';

export type KafkaMessageBusOptions = {
  brokers: string[];
  clientId: string;
  /** Partitions for topics this bus creates (default 6). */
  partitions?: number;
  log?: (line: string) => void;
  /**
   * How long the group coordinator waits for a silent consumer before handing its
   * partitions to others (default 10 s). After a crash the group stalls for about this
   * long; the broker refuses values below its `group.min.session.timeout.ms` (6 s by default).
   */
  sessionTimeoutMs?: number;
};

const headersToRecord = (headers: IHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  }
  return out;
};

/**
 * Kafka adapter (kafkajs). The producer is idempotent with acks from all in-sync
 * replicas; `publish` resolves only after the broker acknowledged. Each subscription is
 * its own consumer (one group, one topic), so a slow or failing topic never stalls
 * another. Offsets are committed only after the handler resolved (or the message
 * went to the dead-letter topic): a crash re-delivers, never skips.
 */
export class KafkaMessageBus implements MessageBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private readonly consumers = new Set<Consumer>();
  private readonly knownTopics = new Set<string>();
  private readonly log: (line: string) => void;

  constructor(private readonly options: KafkaMessageBusOptions) {
    this.log = options.log ?? (() => undefined);
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.ERROR,
      retry: { initialRetryTime: 200, retries: 12 },
      logCreator: () => (entry) => this.log(`kafkajs ${entry.namespace}: ${entry.log.message}`),
    });
  }

  private getProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => (this.producer = undefined));
    }
    return this.producer;
  }

  private getAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }

  /** Creates topics if they are missing (idempotent; safe from many processes). */
  async ensureTopics(topics: string[]): Promise<void> {
    const missing = topics.filter((t) => !this.knownTopics.has(t));
    if (missing.length === 0) return;
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((t) => !existing.has(t));
    if (toCreate.length > 0) {
      await admin
        .createTopics({
          waitForLeaders: true,
          topics: toCreate.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 6, replicationFactor: -1 })),
        })
        .catch((error: { type?: string }) => {
          if (error.type !== 'TOPIC_ALREADY_EXISTS') throw error;
        });
    }
    missing.forEach((t) => this.knownTopics.add(t));
  }

  async publish(messages: BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, BusMessage[]>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    await this.ensureTopics([...byTopic.keys()]);
    const producer = await this.getProducer();
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic.entries()].map(([topic, list]) => ({
        topic,
        messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler | ConsumerHandlers): Promise<BusSubscription> {
    await this.ensureTopics([options.topic]);
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 10_000,
      allowAutoTopicCreation: true,
    });
    this.consumers.add(consumer);
    let stopping = false;
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    const handlers = consumerHandlers(handler);
    const maxBatch = options.maxBatchSize ?? 500;
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 500,
      partitionsConsumedConcurrently: 3,
      eachBatchAutoResolve: false,
      // A partition's fetched messages go to the handlers in chunks (one transaction each
      // for a batch consumer); each chunk's offset is resolved only once it is handled.
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const { topic, partition } = batch;
        const messages: DeliveredMessage[] = batch.messages.map((message) => ({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? '',
          value: message.value?.toString('utf8') ?? '',
          headers: headersToRecord(message.headers),
        }));
        for (let i = 0; i < messages.length; i += maxBatch) {
          if (!isRunning() || isStale()) return;
          const chunk = messages.slice(i, i + maxBatch);
          const { deadLetters, errors } = await handleBatchWithRetry(chunk, handlers, {
            groupId: options.groupId,
            maxAttempts: options.maxAttempts ?? 5,
            retryDelayMs: options.retryDelayMs ?? 100,
            isStopping: () => stopping,
            // Heartbeats outside the handler: a failing heartbeat (rebalance, broker restart)
            // ends this delivery without committing it — the messages come again — and is
            // never mistaken for the messages' fault.
            onWait: () => heartbeat(),
            onTransient: (error, attempt) => {
              if (attempt === 1 || attempt % 10 === 0) this.log(`${options.groupId}: ${topic}[${partition}]@${chunk[0].offset}… waits for the infrastructure (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}`);
            },
            onSplit: (error, size) => this.log(`${options.groupId}: a batch of ${size} from ${topic}[${partition}] failed (${error instanceof Error ? error.message : String(error)}); handling its messages one by one`),
          });
          errors.forEach((error) => this.log(`dead-letter: ${options.groupId} gave up on ${error}`));
          if (deadLetters.length > 0) {
            await this.publish(deadLetters);
            options.onDeadLetters?.(deadLetters.length);
          }
          resolveOffset(chunk[chunk.length - 1].offset);
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
    return {
      stop: async () => {
        stopping = true;
        await consumer.disconnect();
        this.consumers.delete(consumer);
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => undefined)));
    this.consumers.clear();
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer.catch(() => undefined))?.disconnect();
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect();
  }
}
