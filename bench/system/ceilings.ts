/**
 * Raw ceilings, measured in the same run on the same machine with the very rows and messages
 * the system wrote: PostgreSQL INSERT into a plain table (no function, lock or unique index)
 * and kafkajs produce/consume with the bus's producer settings (idempotent, acks from all
 * in-sync replicas, one request in flight) on a topic with the bus's 6 partitions.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import { sleep, summarize, type Latency } from './measure';

export type StoredRow = { event_id: string; stream_id: string; stream_revision: string; type: string; data: string; metadata: string };

/** Connections of the raw INSERT pool: the same as a service's pool (service-kit's platform module). */
export const RAW_POOL_SIZE = 10;

/** The rows the system stored after `afterPosition` (at most `limit`), as text, in order. */
export const storedRows = async (pool: Pool, afterPosition: bigint, limit = 1_000_000): Promise<StoredRow[]> =>
  (
    await pool.query<StoredRow>(
      `SELECT event_id, stream_id, stream_revision::text, type, data::text AS data, metadata::text AS metadata
         FROM event_store.events WHERE position > $1 ORDER BY position LIMIT $2`,
      [afterPosition.toString(), limit],
    )
  ).rows;

export const headPosition = async (pool: Pool): Promise<bigint> =>
  BigInt((await pool.query<{ head: string | null }>('SELECT max(position)::text AS head FROM event_store.events')).rows[0].head ?? '0');

const messageOf = (row: StoredRow) => ({
  key: row.stream_id.replace(/^complaint-/, ''),
  value: JSON.stringify({ schemaVersion: 1, eventId: row.event_id, type: row.type, streamId: row.stream_id, revision: Number(row.stream_revision), data: JSON.parse(row.data) as unknown, metadata: JSON.parse(row.metadata) as unknown }),
});

export type ThroughputCeiling = { rows: number; concurrency: number; pgInsertPerSecond: number; kafkaProducePerSecond: number; kafkaConsumePerSecond: number; slowestPerSecond: number };
export type LatencyCeiling = { perSecond: number; sent: number; received: number; latency: Latency };

export class RawCeilings {
  private readonly pool: Pool;
  private readonly kafka: Kafka;
  private producer?: Producer;
  private readonly consumers: Consumer[] = [];
  private readonly topics: string[] = [];

  constructor(
    databaseUrl: string,
    brokers: string[],
    private readonly topicPrefix: string,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: RAW_POOL_SIZE });
    this.pool.on('error', () => undefined);
    this.kafka = new Kafka({ clientId: 'system-bench-raw', brokers, logLevel: logLevel.NOTHING });
  }

  async setup(): Promise<void> {
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS bench_raw;
      CREATE TABLE IF NOT EXISTS bench_raw.events (
        position bigserial PRIMARY KEY, event_id uuid NOT NULL, stream_id text NOT NULL, stream_revision bigint NOT NULL,
        type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  private async topic(label: string): Promise<string> {
    const topic = `${this.topicPrefix}.raw-${label}-${randomUUID().slice(0, 6)}`;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: 1 }] });
    } finally {
      await admin.disconnect();
    }
    this.topics.push(topic);
    return topic;
  }

  private insert(row: StoredRow): Promise<unknown> {
    return this.pool.query('INSERT INTO bench_raw.events (event_id, stream_id, stream_revision, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)', [
      row.event_id,
      row.stream_id,
      row.stream_revision,
      row.type,
      row.data,
      row.metadata,
    ]);
  }

  /** Runs `fn` over the rows with `concurrency` workers; rows/s. */
  private static async spread(rows: StoredRow[], concurrency: number, fn: (row: StoredRow) => Promise<unknown>): Promise<number> {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < rows.length) await fn(rows[next++]);
      }),
    );
    return rows.length / ((performance.now() - started) / 1000);
  }

  /** Consumes a topic from the beginning with a fresh group until `count` messages arrived; calls `onMessage` for each. */
  private async consume(topic: string, count: number, onMessage: (value: string) => void, timeoutMs = 120_000): Promise<{ joined: Promise<void>; done: Promise<void> }> {
    const consumer = this.kafka.consumer({ groupId: `system-bench-${randomUUID().slice(0, 8)}`, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    this.consumers.push(consumer);
    let joinedResolve!: () => void;
    const joined = new Promise<void>((r) => (joinedResolve = r));
    consumer.on(consumer.events.GROUP_JOIN, () => joinedResolve());
    let received = 0;
    let doneResolve!: () => void;
    const done = new Promise<void>((r) => (doneResolve = r));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 500,
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        onMessage(message.value?.toString('utf8') ?? '');
        if (++received === count) doneResolve();
      },
    });
    const timeout = sleep(timeoutMs).then(() => {
      throw new Error(`raw consumer got ${received} of ${count} messages in ${timeoutMs} ms`);
    });
    return { joined, done: Promise.race([done, timeout]).finally(() => consumer.disconnect().catch(() => undefined)) };
  }

  /** The same rows through PostgreSQL INSERT, kafkajs produce and kafkajs consume, each at `concurrency`. */
  async throughput(rows: StoredRow[], concurrency: number): Promise<ThroughputCeiling> {
    if (!this.producer) throw new Error('setup() first');
    const producer = this.producer;
    await this.pool.query('TRUNCATE bench_raw.events');
    const pgInsertPerSecond = await RawCeilings.spread(rows, concurrency, (row) => this.insert(row));
    const topic = await this.topic(`c${concurrency}`);
    const messages = rows.map(messageOf);
    let m = 0;
    const kafkaProducePerSecond = await RawCeilings.spread(rows, concurrency, () => producer.send({ topic, acks: -1, messages: [messages[m++]] }));
    let first = 0;
    let last = 0;
    const { done } = await this.consume(topic, rows.length, () => {
      last = performance.now();
      if (!first) first = last;
    });
    await done;
    const kafkaConsumePerSecond = rows.length > 1 ? (rows.length - 1) / ((last - first) / 1000) : NaN;
    return {
      rows: rows.length,
      concurrency,
      pgInsertPerSecond,
      kafkaProducePerSecond,
      kafkaConsumePerSecond,
      slowestPerSecond: Math.min(pgInsertPerSecond, kafkaProducePerSecond, kafkaConsumePerSecond),
    };
  }

  /**
   * The raw path from a write to a reader at a steady rate: INSERT the row, produce it,
   * and time until a consumer (already joined) receives it.
   */
  async latency(rows: StoredRow[], perSecond: number, durationMs: number): Promise<LatencyCeiling> {
    if (!this.producer) throw new Error('setup() first');
    const producer = this.producer;
    const total = Math.min(rows.length, Math.round((perSecond * durationMs) / 1000));
    const topic = await this.topic('lag');
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const { joined, done } = await this.consume(topic, total, (value) => {
      const id = (JSON.parse(value) as { eventId: string; n: number }).n;
      const t = sentAt.get(String(id));
      if (t !== undefined) latencies.push(performance.now() - t);
    });
    await Promise.race([joined, sleep(15_000)]);
    await sleep(500);
    const started = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / perSecond - performance.now();
      if (wait > 1) await sleep(wait);
      const row = rows[i];
      sentAt.set(String(i), performance.now());
      const message = messageOf(row);
      const value = JSON.stringify({ ...(JSON.parse(message.value) as object), n: i });
      sends.push(this.insert(row).then(() => producer.send({ topic, acks: -1, messages: [{ key: message.key, value }] })));
    }
    await Promise.all(sends);
    await done;
    return { perSecond, sent: total, received: latencies.length, latency: summarize(latencies) };
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    await this.producer?.disconnect().catch(() => undefined);
    if (this.topics.length) {
      const admin = this.kafka.admin();
      await admin
        .connect()
        .then(() => admin.deleteTopics({ topics: this.topics }))
        .catch(() => undefined)
        .finally(() => admin.disconnect().catch(() => undefined));
    }
    await this.pool.query('DROP SCHEMA IF EXISTS bench_raw CASCADE').catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
