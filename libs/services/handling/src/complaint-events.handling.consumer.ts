import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { ComplaintEventMessage } from '@complaints/contracts';
import type { DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, ComplaintEventsConsumer } from '@complaints/service-kit';
import { ServiceReadModel, projectedFromMessage } from '@complaints/service-common';
import { HANDLING_READ_MODEL } from './projections/handling-projections';

/**
 * Feeds handling's projections from the bus: its case records (`handling-cases`) and the
 * deadline timers (`deadline-timers`), each a fold of the complaint's events applied in one
 * transaction per delivered batch with the events' ids, so redelivery changes nothing. The
 * reactions — chasing and escalating overdue deadlines, delivering notices — are the
 * deadline scheduler and the notifications consumer, never this path.
 */
const GROUP = 'handling';

@Controller()
export class HandlingComplaintEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  constructor(@Inject(HANDLING_READ_MODEL) private readonly readModel: ServiceReadModel) {
    super();
  }

  @BusEventPattern('complaint-events', { group: GROUP })
  onComplaintEvents(@Payload() messages: DeliveredMessage[]): Promise<void> {
    return this.consume(messages);
  }

  protected async applyBatch(events: ComplaintEventMessage[]): Promise<void> {
    await this.readModel.applyLive(events.map(projectedFromMessage));
  }
}
