import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Pool, PoolClient } from 'pg';
import type { ComplaintEventMessage } from '@complaints/contracts';
import { applyOnceBatch, processedEventsTableSql, type DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, ComplaintEventsConsumer, PG_POOL, migrateSql } from '@complaints/service-kit';
import { complaintTrackingTableSql, trackComplaintEvent } from '@complaints/service-common';

/**
 * Callback tasks (回访): one opens when a complaint is resolved, with its own due date;
 * unreached attempts move it on; a score, an exemption or a reopen ends it. The CS
 * assistants' callback queue and the dashboard's callback backlog read this table.
 */
export const callbackTasksSql = `
CREATE TABLE IF NOT EXISTS callback.tasks (
  complaint_id uuid PRIMARY KEY,
  site_id      text        NOT NULL,
  number       text        NOT NULL,
  status       text        NOT NULL,
  opened_at    timestamptz NOT NULL,
  due_at       timestamptz,
  attempts     integer     NOT NULL DEFAULT 0,
  round        integer     NOT NULL DEFAULT 1,
  satisfaction integer,
  closed_at    timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS callback_tasks_open ON callback.tasks (site_id, due_at) WHERE status = 'open';`;

type Data = Record<string, unknown> & { at: string; deadlines?: { callback?: string } };

const applyToTask = async (client: PoolClient, event: ComplaintEventMessage): Promise<void> => {
  const d = event.data as Data;
  switch (event.type) {
    case 'ComplaintResolved':
      await client.query(
        `INSERT INTO callback.tasks (complaint_id, site_id, number, status, opened_at, due_at)
         SELECT c.complaint_id, c.site_id, c.number, 'open', $2, $3 FROM callback.cases c WHERE c.complaint_id = $1
         ON CONFLICT (complaint_id) DO UPDATE SET status = 'open', opened_at = EXCLUDED.opened_at, due_at = EXCLUDED.due_at,
           attempts = 0, round = callback.tasks.round + 1, satisfaction = NULL, closed_at = NULL, updated_at = now()`,
        [event.complaintId, d.at, d.deadlines?.callback ?? null],
      );
      return;
    case 'CallbackUnreached':
      await client.query(`UPDATE callback.tasks SET attempts = $2, due_at = COALESCE($3, due_at), updated_at = now() WHERE complaint_id = $1`, [
        event.complaintId,
        d.attempt,
        d.deadlines?.callback ?? null,
      ]);
      return;
    case 'CallbackCompleted':
      await client.query(`UPDATE callback.tasks SET status = 'done', satisfaction = $2, closed_at = $3, updated_at = now() WHERE complaint_id = $1`, [
        event.complaintId,
        d.satisfaction,
        d.at,
      ]);
      return;
    case 'CallbackExempted':
      await client.query(`UPDATE callback.tasks SET status = 'exempt', closed_at = $2, updated_at = now() WHERE complaint_id = $1`, [event.complaintId, d.at]);
      return;
    default:
  }
};

const GROUP = 'callback';

@Controller()
export class CallbackComplaintEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {
    super();
  }

  @BusEventPattern('complaint-events', { group: GROUP })
  onComplaintEvents(@Payload() messages: DeliveredMessage[]): Promise<void> {
    return this.consume(messages);
  }

  protected override async prepare(): Promise<void> {
    await migrateSql(this.pool, 'callback', processedEventsTableSql('callback') + complaintTrackingTableSql('callback', 'cases') + callbackTasksSql);
  }

  protected async applyBatch(events: ComplaintEventMessage[]): Promise<void> {
    await applyOnceBatch(this.pool, 'callback', this.groupId, events, async (client, fresh) => {
      for (const event of fresh) {
        await trackComplaintEvent(client, 'callback', 'cases', event);
        await applyToTask(client, event);
      }
    });
  }
}
