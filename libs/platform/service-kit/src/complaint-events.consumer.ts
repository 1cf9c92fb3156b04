import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { parseComplaintEventMessage, type ComplaintEventMessage, type TopicNames } from '@complaints/contracts';
import type { BusSubscription, MessageBus } from '@complaints/messaging';

/**
 * A service's subscription to the complaint-event topic, in its own consumer group.
 * Subclasses apply each event idempotently (recording the event id in the same
 * transaction as the effect); failures are retried and then dead-lettered by the bus.
 */
export abstract class ComplaintEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  protected abstract readonly groupId: string;
  protected readonly logger = new Logger(this.constructor.name);
  private subscription?: BusSubscription;

  protected constructor(
    private readonly bus: MessageBus,
    private readonly topics: TopicNames,
  ) {}

  protected abstract apply(event: ComplaintEventMessage): Promise<void>;

  /** Called once before subscribing (e.g. to run migrations). */
  protected prepare(): Promise<void> {
    return Promise.resolve();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.prepare();
    this.subscription = await this.bus.subscribe({ groupId: this.groupId, topic: this.topics.complaintEvents }, async (message) => {
      await this.apply(parseComplaintEventMessage(message.value));
    });
    this.logger.log(`consuming ${this.topics.complaintEvents} as group ${this.groupId}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}
