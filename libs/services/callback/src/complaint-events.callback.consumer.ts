import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { ComplaintEventMessage } from '@complaints/contracts';
import type { DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, ComplaintEventsConsumer } from '@complaints/service-kit';
import { ServiceReadModel, projectedFromMessage } from '@complaints/service-common';
import { CALLBACK_READ_MODEL } from './projections/callback-projections';

/**
 * Feeds callback's projection (`callback-tasks`: the complaint records and the callback
 * queue) from the bus, one transaction per delivered batch with the events' ids.
 */
const GROUP = 'callback';

@Controller()
export class CallbackComplaintEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  constructor(@Inject(CALLBACK_READ_MODEL) private readonly readModel: ServiceReadModel) {
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
