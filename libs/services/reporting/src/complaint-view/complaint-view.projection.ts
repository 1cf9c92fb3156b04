import { evolve, initialState, type Complaint, type ComplaintEvent, type ComplaintState } from '@complaints/domain';
import type { RecordedEvent } from '@complaints/event-store';
import type { EntityManager } from 'typeorm';
import { ComplaintViewEntity } from './complaint-view.entity';

export type ProjectableEvent = { type: string; data: Record<string, unknown>; revision: number };

const toRow = (state: Complaint, updatedAt: Date): ComplaintViewEntity =>
  Object.assign(new ComplaintViewEntity(), {
    id: state.id,
    number: state.number,
    siteId: state.siteId,
    channel: state.channel,
    status: state.status,
    nature: state.nature ?? null,
    severity: state.severity ?? null,
    urgency: state.urgency ?? null,
    major: state.major,
    category: state.category ?? null,
    department: state.department ?? null,
    assignee: state.assignee ?? null,
    complainant: state.complainant as Record<string, unknown>,
    title: state.title,
    description: state.description,
    receivedAt: new Date(state.receivedAt),
    deadlines: state.deadlines as Record<string, string>,
    escalationLevel: state.escalationLevel,
    reopenCount: state.reopenCount,
    satisfaction: state.satisfaction ?? null,
    closedAt: state.closedAt ? new Date(state.closedAt) : null,
    relatedComplaintId: state.relatedComplaintId ?? null,
    repeatCount: state.repeatCount,
    version: state.version,
    state: state as unknown as Record<string, unknown>,
    updatedAt,
  });

const fold = (events: ProjectableEvent[], from: ComplaintState): ComplaintState =>
  events.reduce((s, e) => evolve(s, { type: e.type, data: e.data } as unknown as ComplaintEvent), from);

/**
 * The complaint view: each row holds the domain state folded with the domain's own
 * `evolve` (one source of truth for what an event means) and the columns the list
 * filters on. Events of one complaint arrive in stream order; an event the row has
 * already folded is skipped, and a gap (a message lost to the dead-letter topic) is
 * healed by folding the complaint's stream from the event store.
 */
export class ComplaintViewProjection {
  constructor(private readonly readStream: (complaintId: string) => Promise<RecordedEvent[]>) {}

  async apply(manager: EntityManager, complaintId: string, event: ProjectableEvent): Promise<void> {
    const row = await manager.findOne(ComplaintViewEntity, { where: { id: complaintId } });
    const folded = row?.version ?? 0;
    if (event.revision < folded) return;
    let state: ComplaintState;
    if (event.revision === folded) {
      state = fold([event], (row?.state as unknown as ComplaintState) ?? initialState());
    } else {
      const history = await this.readStream(complaintId);
      state = fold(
        history.filter((e) => Number(e.revision) <= event.revision).map((e) => ({ type: e.type, data: e.data, revision: Number(e.revision) })),
        initialState(),
      );
    }
    if (!state.exists) return;
    await manager.save(ComplaintViewEntity, toRow(state, new Date()));
  }
}
