import { Client, type Pool } from 'pg';
import type { EventStore, RecordedEvent, Subscription } from '@complaints/event-store';
import { HEADER, complaintIdFromStream, type ComplaintEventMessage } from '@complaints/contracts';
import type { BusMessage, MessageBus } from '../message-bus.port';

export type RelayRoute = (event: RecordedEvent) => BusMessage[];

export type EventRelayOptions = {
  store: EventStore;
  bus: MessageBus;
  /** Where the checkpoint lives (table `<schema>.relay_checkpoints`). */
  pool: Pool;
  /** A connection string for the leadership lock's own session. */
  connectionString: string;
  schema?: string;
  name?: string;
  streamPrefix: string;
  route: RelayRoute;
  batchSize?: number;
  log?: (line: string) => void;
  /** How often a stand-by instance tries to take over (default 2 s). */
  standbyRetryMs?: number;
};

/** The complaint-event message the relay publishes for a stored event. */
export const toComplaintEventMessage = (event: RecordedEvent, topic: string): BusMessage => {
  const complaintId = complaintIdFromStream(event.streamId);
  const value: ComplaintEventMessage = {
    schemaVersion: 1,
    eventId: event.id,
    type: event.type,
    complaintId,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: event.position.toString(),
    recordedAt: event.recordedAt.toISOString(),
    data: event.data,
    metadata: event.metadata,
  };
  const headers: Record<string, string> = {
    [HEADER.eventId]: event.id,
    [HEADER.eventType]: event.type,
    [HEADER.schemaVersion]: '1',
  };
  if (typeof event.metadata.correlationId === 'string') headers[HEADER.correlationId] = event.metadata.correlationId;
  if (typeof event.metadata.causationId === 'string') headers[HEADER.causationId] = event.metadata.causationId;
  return { topic, key: complaintId, value: JSON.stringify(value), headers };
};

/**
 * Follows the event store and forwards every complaint event to the bus: the only
 * way events reach Kafka (no dual writes in requests). At-least-once: a batch is
 * published and acknowledged by the broker before the checkpoint moves past it, so a
 * crash re-publishes the tail and consumers de-duplicate by event id.
 *
 * Several instances may run; a PostgreSQL advisory lock held on a dedicated session
 * elects one. If its process dies the session ends, the lock frees and a stand-by
 * takes over from the saved checkpoint.
 */
export class EventRelay {
  private readonly schema: string;
  private readonly name: string;
  private readonly log: (line: string) => void;
  private stopped = false;
  private lockClient?: Client;
  private subscription?: Subscription;
  private loop?: Promise<void>;
  private published = 0;

  constructor(private readonly options: EventRelayOptions) {
    this.schema = options.schema ?? 'messaging';
    this.name = options.name ?? 'complaint-events';
    this.log = options.log ?? (() => undefined);
  }

  get publishedCount(): number {
    return this.published;
  }

  async migrate(): Promise<void> {
    await this.options.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`).catch(ignoreDuplicate);
    await this.options.pool
      .query(`CREATE TABLE IF NOT EXISTS ${this.schema}.relay_checkpoints (name text PRIMARY KEY, position numeric(20) NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`)
      .catch(ignoreDuplicate);
  }

  async checkpoint(): Promise<bigint | undefined> {
    const { rows } = await this.options.pool.query<{ position: string }>(`SELECT position FROM ${this.schema}.relay_checkpoints WHERE name = $1`, [this.name]);
    return rows.length ? BigInt(rows[0].position) : undefined;
  }

  private async saveCheckpoint(position: bigint): Promise<void> {
    await this.options.pool.query(
      `INSERT INTO ${this.schema}.relay_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [this.name, position.toString()],
    );
  }

  start(): void {
    this.loop = this.run();
    this.loop.catch((error) => this.log(`relay ${this.name}: stopped with error ${String(error)}`));
  }

  private async run(): Promise<void> {
    await this.migrate();
    while (!this.stopped) {
      try {
        if (!(await this.acquireLeadership())) {
          await sleep(this.options.standbyRetryMs ?? 2_000);
          continue;
        }
        const after = await this.checkpoint();
        // stop() may have been called while this instance was taking the lead.
        if (this.stopped) break;
        this.log(`relay ${this.name}: leading, publishing from position ${after ?? 'start'}`);
        this.subscription = this.options.store.subscribeToAll(
          { after, streamPrefix: this.options.streamPrefix, batchSize: this.options.batchSize ?? 500 },
          async (events) => {
            const messages = events.flatMap((e) => this.options.route(e));
            await this.options.bus.publish(messages);
            await this.saveCheckpoint(events[events.length - 1].position);
            this.published += events.length;
          },
        );
        // Ends when stop() is called, when the leadership session is lost (see
        // acquireLeadership), or with the error of a failed batch.
        await this.subscription.done;
      } catch (error) {
        if (this.stopped) break;
        this.log(`relay ${this.name}: ${String(error)}; retrying`);
        await this.releaseLeadership();
        await sleep(1_000);
      }
    }
  }

  private async acquireLeadership(): Promise<boolean> {
    if (this.lockClient) return true;
    const client = new Client({ connectionString: this.options.connectionString });
    // The lock lives exactly as long as this session. If the session dies (server
    // restart, terminated backend, network), the lock is free for a stand-by at once,
    // so this instance must stop publishing too, or two relays would publish together.
    const lost = () => {
      if (this.lockClient !== client) return;
      this.lockClient = undefined;
      this.log(`relay ${this.name}: leadership session lost; stepping down`);
      void this.subscription?.stop();
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`relay:${this.name}`]);
      if (!rows[0].ok) {
        await client.end();
        return false;
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.lockClient = client;
    return true;
  }

  private async releaseLeadership(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    await client?.end().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
    await this.loop?.catch(() => undefined);
    await this.releaseLeadership();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ignoreDuplicate = (error: { code?: string }) => {
  // Two processes creating the same schema/table at once: the loser's error is harmless.
  if (error.code !== '23505' && error.code !== '42P07' && error.code !== '42P06') throw error;
};
