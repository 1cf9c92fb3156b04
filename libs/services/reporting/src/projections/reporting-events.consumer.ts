import { Inject, Injectable } from '@nestjs/common';
import type { ComplaintEventMessage, TopicNames } from '@complaints/contracts';
import type { MessageBus } from '@complaints/messaging';
import { ComplaintEventsConsumer, MESSAGE_BUS, TOPICS } from '@complaints/service-kit';
import { projectedFromMessage } from './complaint-stream';
import { ProjectionService } from './projection.service';

/**
 * Feeds every reporting projection from `complaints.events.v1` (consumer group
 * `reporting`). Each projection applies the event in its own transaction together with
 * the event's id, so a redelivery changes nothing and one failing projection does not
 * hold back the others' effects (the message is retried, the others skip it by id).
 */
@Injectable()
export class ReportingEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = 'reporting';

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicNames,
    private readonly projections: ProjectionService,
  ) {
    super(bus, topics);
  }

  protected async apply(message: ComplaintEventMessage): Promise<void> {
    await this.projections.applyLive(projectedFromMessage(message));
  }
}
