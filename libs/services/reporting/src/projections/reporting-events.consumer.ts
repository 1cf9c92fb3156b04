import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { ComplaintEventMessage } from '@complaints/contracts';
import type { DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, ComplaintEventsConsumer } from '@complaints/service-kit';
import { projectedFromMessage } from './complaint-stream';
import { ProjectionService } from './projection.service';
import { ChangeFeed } from '../live/change-feed';

/**
 * Feeds every reporting projection from `complaints.events.v1` (consumer group
 * `reporting`). Each projection applies a delivered batch in its own transaction together
 * with the events' ids, so a redelivery changes nothing and one failing projection does
 * not hold back the others' effects (the batch is retried message by message, the others
 * skip what they applied by id). Once a batch is applied, the live stream announces its
 * complaints (ChangeFeed → `GET /api/events/stream`).
 */
const GROUP = 'reporting';

@Controller()
export class ReportingEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  constructor(
    private readonly projections: ProjectionService,
    private readonly feed: ChangeFeed,
  ) {
    super();
  }

  @BusEventPattern('complaint-events', { group: GROUP })
  onComplaintEvents(@Payload() messages: DeliveredMessage[]): Promise<void> {
    return this.consume(messages);
  }

  protected async applyBatch(messages: ComplaintEventMessage[]): Promise<void> {
    const events = messages.map(projectedFromMessage);
    const announce = await this.feed.beforeApply(events).catch(() => async () => undefined);
    const applied = await this.projections.applyLive(events);
    for (const [projection, n] of Object.entries(applied)) this.metrics?.projectionApplied(projection, n, events);
    // Every projection has committed: readers can now fetch what the live stream announces (nothing new: nothing to tell).
    if (Object.values(applied).some((n) => n > 0)) await announce().catch((error: unknown) => this.logger.warn(`live announcement failed: ${error instanceof Error ? error.message : String(error)}`));
  }
}
