import { Inject, Injectable } from '@nestjs/common';
import type { ComplaintEventMessage, TopicNames } from '@complaints/contracts';
import type { MessageBus } from '@complaints/messaging';
import { ComplaintEventsConsumer, MESSAGE_BUS, TOPICS } from '@complaints/service-kit';
import { projectedFromMessage } from './complaint-stream';
import { ProjectionService } from './projection.service';

/**
 * Feeds every reporting projection from `complaints.events.v1` (consumer group
 * `reporting`). Each projection applies a delivered batch in its own transaction together
 * with the events' ids, so a redelivery changes nothing and one failing projection does
 * not hold back the others' effects (the batch is retried message by message, the others
 * skip what they applied by id).
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

  protected async applyBatch(messages: ComplaintEventMessage[]): Promise<void> {
    const applied = await this.projections.applyLive(messages.map(projectedFromMessage));
    for (const [projection, n] of Object.entries(applied)) if (n > 0) this.metrics?.projectionEvents.inc({ projection }, n);
  }
}
