import type { Pool } from 'pg';
import type { EventStore, RecordedEvent, Subscription } from '@complaints/event-store';
import { consumerHandlers, type BusMessage, type BusSubscription, type ConsumerHandlers, type DeliveredMessage, type MessageBus, type MessageHandler, type SubscribeOptions } from '../message-bus.port';
import { handleBatchWithRetry } from '../consumer/retry';

export type StoreFedMessageBusOptions = {
  store: EventStore;
  /** Where each group's position is kept (table `<schema>.consumer_checkpoints`). */
  pool: Pool;
  /** The messages a stored event makes (the relay's routing: events topic, notifications). */
  route: (event: RecordedEvent) => BusMessage[];
  /** The topics `route` produces: a group subscribed to one of them reads the event store. */
  storeTopics: readonly string[];
  streamPrefix: string;
  schema?: string;
  /**
   * The relay whose checkpoint a group starts from when it has none of its own: an
   * installation that ran the relay with the old in-process bus (which moved the
   * relay's checkpoint only after every group had handled a batch) resumes there.
   */
  relayName?: string;
  /** Events read from the store per batch (default 500). */
  batchSize?: number;
  log?: (line: string) => void;
};

export type ConsumerGroupPosition = { groupId: string; topic: string; position: bigint | undefined; batches: number; lastBatchSize: number; deadLetters: number };

type InProcessGroup = { groupId: string; topic: string; handlers: ReturnType<typeof consumerHandlers>; stopped: boolean };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ignoreDuplicate = (error: { code?: string }) => {
  // Two groups creating the same schema/table at once: the loser's error is harmless.
  if (error.code !== '23505' && error.code !== '42P07' && error.code !== '42P06') throw error;
};

/**
 * The bus of the embedded default: no broker and no relay in between. Every consumer
 * group follows the event store itself (a catch-up subscription from its own saved
 * position), turns each stored event into the messages the relay would publish, and
 * hands those of its topic to its handlers in batches. So:
 * - groups are independent: a slow or failing group never holds up another;
 * - a group's position is saved after its batch is handled: a crash re-delivers the
 *   tail (consumers are idempotent), never skips;
 * - one complaint's events reach a group in store order.
 * Dead letters (a message that keeps failing for its own reasons) are logged, kept in
 * memory and delivered to in-process subscribers of the dead-letter topic; the group
 * moves on.
 */
export class StoreFedMessageBus implements MessageBus {
  readonly kind = 'store' as const;
  readonly deadLetters: BusMessage[] = [];
  private readonly schema: string;
  private readonly log: (line: string) => void;
  private readonly runners = new Set<StoreGroupRunner>();
  private readonly inProcess: InProcessGroup[] = [];
  private migrated?: Promise<void>;

  constructor(private readonly options: StoreFedMessageBusOptions) {
    this.schema = options.schema ?? 'messaging';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.schema)) throw new Error(`invalid schema name ${this.schema}`);
    this.log = options.log ?? (() => undefined);
  }

  private migrate(): Promise<void> {
    this.migrated ??= (async () => {
      await this.options.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`).catch(ignoreDuplicate);
      await this.options.pool
        .query(
          `CREATE TABLE IF NOT EXISTS ${this.schema}.consumer_checkpoints (
             group_id text NOT NULL, topic text NOT NULL, position numeric(20) NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
             PRIMARY KEY (group_id, topic))`,
        )
        .catch(ignoreDuplicate);
    })();
    this.migrated.catch(() => (this.migrated = undefined));
    return this.migrated;
  }

  /** Delivers published messages (dead letters) to in-process subscribers of their topic; not kept. */
  async publish(messages: BusMessage[]): Promise<void> {
    const offset = String(Date.now());
    for (const group of this.inProcess) {
      const forGroup: DeliveredMessage[] = messages.filter((m) => m.topic === group.topic).map((m) => ({ ...m, partition: 0, offset }));
      if (forGroup.length === 0 || group.stopped) continue;
      const { errors } = await handleBatchWithRetry(forGroup, group.handlers, { groupId: group.groupId, maxAttempts: 5, retryDelayMs: 100, isStopping: () => group.stopped });
      errors.forEach((error) => this.log(`${group.groupId}: dropped ${error}`));
    }
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler | ConsumerHandlers): Promise<BusSubscription> {
    const handlers = consumerHandlers(handler);
    if (!this.options.storeTopics.includes(options.topic)) {
      const group: InProcessGroup = { groupId: options.groupId, topic: options.topic, handlers, stopped: false };
      this.inProcess.push(group);
      return {
        stop: async () => {
          group.stopped = true;
          this.inProcess.splice(this.inProcess.indexOf(group), 1);
        },
      };
    }
    await this.migrate();
    const runner = new StoreGroupRunner(this.options, this.schema, options, handlers, this.log, (deadLetters) => this.deadLettered(deadLetters));
    this.runners.add(runner);
    runner.start();
    return {
      stop: async () => {
        await runner.stop();
        this.runners.delete(runner);
      },
    };
  }

  /** Where each group stands (for health and metrics). */
  positions(): ConsumerGroupPosition[] {
    return [...this.runners].map((r) => r.position());
  }

  private async deadLettered(deadLetters: BusMessage[]): Promise<void> {
    this.deadLetters.push(...deadLetters);
    await this.publish(deadLetters);
  }

  async close(): Promise<void> {
    await Promise.all([...this.runners].map((r) => r.stop()));
    this.runners.clear();
    this.inProcess.splice(0);
  }
}

/** One consumer group of the store-fed bus: its subscription, its saved position. */
class StoreGroupRunner {
  private stopped = false;
  private subscription?: Subscription;
  private loop?: Promise<void>;
  private current?: bigint;
  private batches = 0;
  private lastBatchSize = 0;
  private deadLetterCount = 0;

  constructor(
    private readonly bus: StoreFedMessageBusOptions,
    private readonly schema: string,
    private readonly options: SubscribeOptions,
    private readonly handlers: ReturnType<typeof consumerHandlers>,
    private readonly log: (line: string) => void,
    private readonly onDeadLetters: (deadLetters: BusMessage[]) => Promise<void>,
  ) {}

  position(): ConsumerGroupPosition {
    return { groupId: this.options.groupId, topic: this.options.topic, position: this.current, batches: this.batches, lastBatchSize: this.lastBatchSize, deadLetters: this.deadLetterCount };
  }

  start(): void {
    this.loop = this.run();
  }

  private async checkpoint(): Promise<bigint | undefined> {
    const { groupId, topic } = this.options;
    const { rows } = await this.bus.pool.query<{ position: string }>(`SELECT position FROM ${this.schema}.consumer_checkpoints WHERE group_id = $1 AND topic = $2`, [groupId, topic]);
    if (rows.length) return BigInt(rows[0].position);
    if (!this.bus.relayName) return undefined;
    const relay = await this.bus.pool
      .query<{ position: string }>(`SELECT position FROM ${this.schema}.relay_checkpoints WHERE name = $1`, [this.bus.relayName])
      .catch((error: { code?: string }) => {
        if (error.code === '42P01') return { rows: [] }; // never ran a relay
        throw error;
      });
    return relay.rows.length ? BigInt(relay.rows[0].position) : undefined;
  }

  private async saveCheckpoint(position: bigint): Promise<void> {
    await this.bus.pool.query(
      `INSERT INTO ${this.schema}.consumer_checkpoints (group_id, topic, position) VALUES ($1, $2, $3)
       ON CONFLICT (group_id, topic) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [this.options.groupId, this.options.topic, position.toString()],
    );
  }

  private async run(): Promise<void> {
    const { groupId, topic } = this.options;
    const maxBatch = this.options.maxBatchSize ?? 500;
    while (!this.stopped) {
      try {
        this.current = await this.checkpoint();
        if (this.stopped) break;
        this.subscription = this.bus.store.subscribeToAll({ after: this.current, streamPrefix: this.bus.streamPrefix, batchSize: this.bus.batchSize ?? 500 }, async (events) => {
          const messages: DeliveredMessage[] = events.flatMap((event) =>
            this.bus
              .route(event)
              .filter((m) => m.topic === topic)
              .map((m) => ({ ...m, partition: 0, offset: event.position.toString() })),
          );
          for (let i = 0; i < messages.length; i += maxBatch) {
            const chunk = messages.slice(i, i + maxBatch);
            const { deadLetters, errors } = await handleBatchWithRetry(chunk, this.handlers, {
              groupId,
              maxAttempts: this.options.maxAttempts ?? 5,
              retryDelayMs: this.options.retryDelayMs ?? 100,
              isStopping: () => this.stopped,
              onTransient: (error, attempt) => {
                if (attempt === 1 || attempt % 10 === 0) this.log(`${groupId}: waits for the infrastructure (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}`);
              },
              onSplit: (error, size) => this.log(`${groupId}: a batch of ${size} failed (${error instanceof Error ? error.message : String(error)}); handling its messages one by one`),
            });
            errors.forEach((error) => this.log(`dead-letter: ${groupId} gave up on ${error}`));
            if (deadLetters.length > 0) {
              this.deadLetterCount += deadLetters.length;
              this.options.onDeadLetters?.(deadLetters.length);
              await this.onDeadLetters(deadLetters);
            }
            this.lastBatchSize = chunk.length;
            this.batches++;
          }
          const last = events[events.length - 1].position;
          await this.saveCheckpoint(last);
          this.current = last;
        });
        await this.subscription.done;
      } catch (error) {
        if (this.stopped) break;
        this.log(`${groupId}: ${error instanceof Error ? error.message : String(error)}; resuming from its saved position`);
        await sleep(1_000);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
    await this.loop?.catch(() => undefined);
  }
}
