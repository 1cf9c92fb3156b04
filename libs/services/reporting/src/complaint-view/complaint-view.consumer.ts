import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ComplaintEventMessage, TopicNames } from '@complaints/contracts';
import { complaintStreamId } from '@complaints/contracts';
import type { EventStore } from '@complaints/event-store';
import type { MessageBus } from '@complaints/messaging';
import { markProcessed } from '@complaints/read-model';
import { ComplaintEventsConsumer, EVENT_STORE, MESSAGE_BUS, TOPICS } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { ComplaintViewProjection } from './complaint-view.projection';

/** Feeds the complaint view from the bus; the row and the event id commit together. */
@Injectable()
export class ComplaintViewConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = 'reporting';
  private readonly projection: ComplaintViewProjection;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicNames,
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    super(bus, topics);
    this.projection = new ComplaintViewProjection((id) => store.readStream(complaintStreamId(id)));
  }

  protected async apply(event: ComplaintEventMessage): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await markProcessed(manager, 'reporting', 'complaint-view', event.eventId))) return;
      await this.projection.apply(manager, event.complaintId, { type: event.type, data: event.data, revision: event.revision });
    });
  }
}
