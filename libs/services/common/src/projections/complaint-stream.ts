import { COMPLAINT_EVENT_TYPES, evolve, initialState, type ComplaintEvent, type ComplaintEventType, type ComplaintState } from '@complaints/domain';
import type { ComplaintEventMessage } from '@complaints/contracts';
import { complaintIdFromStream } from '@complaints/contracts';
import type { RecordedEvent } from '@complaints/event-store';
import { fromRecordedEvent, type ProjectedEvent } from '@complaints/read-model';

/** Complaint streams only (`complaint-<uuid>`): what the relay publishes and what reporting projects. */
export const COMPLAINT_STREAM = /^complaint-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const projectedFromRecorded = (event: RecordedEvent): ProjectedEvent | undefined =>
  COMPLAINT_STREAM.test(event.streamId) ? fromRecordedEvent(event, complaintIdFromStream(event.streamId)) : undefined;

export const projectedFromMessage = (message: ComplaintEventMessage): ProjectedEvent => ({
  id: message.eventId,
  streamId: message.streamId,
  key: message.complaintId,
  revision: message.revision,
  position: message.position,
  type: message.type,
  data: message.data,
  metadata: message.metadata,
  recordedAt: message.recordedAt,
});

const KNOWN = new Set<string>(COMPLAINT_EVENT_TYPES);

export const isComplaintEvent = (event: { type: string }): event is { type: ComplaintEventType } => KNOWN.has(event.type);

/**
 * The domain's own `evolve` decides what every event means to the complaint. An event type
 * this build does not know yet (written by a newer service) is passed over rather than
 * folded, so an older reporting service cannot corrupt its state with it.
 */
export const evolveComplaint = (state: ComplaintState | undefined, event: Pick<ProjectedEvent, 'type' | 'data'>): ComplaintState => {
  const current = state ?? initialState();
  if (!isComplaintEvent(event)) return current;
  return evolve(current, { type: event.type, data: event.data } as unknown as ComplaintEvent);
};
