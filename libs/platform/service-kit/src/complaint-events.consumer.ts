import { Inject, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { parseComplaintEventMessage, type ComplaintEventMessage } from '@complaints/contracts';
import type { DeliveredMessage } from '@complaints/messaging';
import { METRICS } from './tokens';
import type { Metrics } from './metrics/metrics';

/**
 * What every consumer of the complaint-event stream shares. A subclass is a Nest
 * controller whose `@BusEventPattern('complaint-events', { group })` handler passes the
 * delivered batch to `consume`; it applies a batch in one transaction, idempotently
 * (recording the event ids in the same transaction as the effect). When a batch fails for
 * a reason of its own the transport hands its messages over one by one, so only a
 * message at fault is retried and then dead-lettered.
 */
export abstract class ComplaintEventsConsumer implements OnModuleInit {
  protected abstract readonly groupId: string;
  protected readonly logger = new Logger(this.constructor.name);
  @Optional() @Inject(METRICS) protected readonly metrics?: Metrics;

  /** Applies a batch (one complaint's events in order) in one unit of work, skipping what was applied before. */
  protected abstract applyBatch(events: ComplaintEventMessage[]): Promise<void>;

  /** Called once at start, before any delivery (e.g. to run migrations). */
  protected prepare(): Promise<void> {
    return Promise.resolve();
  }

  async onModuleInit(): Promise<void> {
    await this.prepare();
  }

  /** Parses a delivered batch, applies it and records how far this group has come. */
  protected async consume(messages: DeliveredMessage[]): Promise<void> {
    const events = messages.map((m) => parseComplaintEventMessage(m.value));
    await this.applyBatch(events);
    this.metrics?.handled(this.groupId, events);
  }
}
