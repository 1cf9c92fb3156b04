import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { ComplaintEventMessage } from '@complaints/contracts';
import type { DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, ComplaintEventsConsumer } from '@complaints/service-kit';
import { projectedFromMessage } from './complaint-stream';
import { ProjectionService } from './projection.service';

/**
 * Feeds every reporting projection from `complaints.events.v1` (consumer group
 * `reporting`). Each projection applies a delivered batch in its own transaction together
 * with the events' ids, so a redelivery changes nothing and one failing projection does
 * not hold back the others' effects (the batch is retried message by message, the others
 * skip what they applied by id).
 */
const GROUP = 'reporting';

@Controller()
export class ReportingEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  constructor(private readonly projections: ProjectionService) {
    super();
  }

  @BusEventPattern('complaint-events', { group: GROUP })
  onComplaintEvents(@Payload() messages: DeliveredMessage[]): Promise<void> {
    return this.consume(messages);
  }

  protected async applyBatch(messages: ComplaintEventMessage[]): Promise<void> {
    const applied = await this.projections.applyLive(messages.map(projectedFromMessage));
    for (const [projection, n] of Object.entries(applied)) if (n > 0) this.metrics?.projectionEvents.inc({ projection }, n);
  }
}
