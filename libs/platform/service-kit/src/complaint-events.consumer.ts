import { Inject, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { parseComplaintEventMessage, type ComplaintEventMessage, type TopicNames } from '@complaints/contracts';
import type { BusSubscription, MessageBus } from '@complaints/messaging';
import { METRICS } from './tokens';
import type { Metrics } from './metrics/metrics';

/**
 * A service's subscription to the complaint-event topic, in its own consumer group.
 * The bus delivers batches; subclasses apply a batch in one transaction, idempotently
 * (recording the event ids in the same transaction as the effect). When a batch fails
 * for a reason of its own the bus hands its messages over one by one (`applyBatch` with
 * one event), so only a message at fault is retried and then dead-lettered.
 */
export abstract class ComplaintEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  protected abstract readonly groupId: string;
  protected readonly logger = new Logger(this.constructor.name);
  private subscription?: BusSubscription;
  @Optional() @Inject(METRICS) protected readonly metrics?: Metrics;

  protected constructor(
    private readonly bus: MessageBus,
    private readonly topics: TopicNames,
  ) {}

  /** Applies a batch (one complaint's events in order) in one unit of work, skipping what was applied before. */
  protected abstract applyBatch(events: ComplaintEventMessage[]): Promise<void>;

  /** Called once before subscribing (e.g. to run migrations). */
  protected prepare(): Promise<void> {
    return Promise.resolve();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.prepare();
    this.subscription = await this.bus.subscribe(
      {
        groupId: this.groupId,
        topic: this.topics.complaintEvents,
        onDeadLetters: (count) => this.metrics?.deadLetters.inc({ group: this.groupId }, count),
      },
      {
        batch: (messages) => this.handle(messages.map((m) => parseComplaintEventMessage(m.value))),
        each: (message) => this.handle([parseComplaintEventMessage(message.value)]),
      },
    );
    this.logger.log(`consuming ${this.topics.complaintEvents} as group ${this.groupId}`);
  }

  private async handle(events: ComplaintEventMessage[]): Promise<void> {
    await this.applyBatch(events);
    this.metrics?.handled(this.groupId, events);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}
