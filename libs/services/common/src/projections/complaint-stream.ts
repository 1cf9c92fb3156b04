import { COMPLAINT_EVENT_TYPES, eventSchemaVersion, evolve, initialState, storedSchemaVersion, toDomainEvent, upcastEventData, type ComplaintEventType, type ComplaintState } from '@complaints/domain';
import type { ComplaintEventMessage } from '@complaints/contracts';
import { complaintIdFromStream } from '@complaints/contracts';
import type { RecordedEvent } from '@complaints/event-store';
import { fromRecordedEvent, type ProjectedEvent } from '@complaints/read-model';

/** Complaint streams only (`complaint-<uuid>`): what the relay publishes and what reporting projects. */
export const COMPLAINT_STREAM = /^complaint-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What every projection reads: the event in the current schema of its type, by the domain's one
 * converter (upcasters for events stored with an older schema version). The copy says it is
 * current now (metadata.schemaVersion), so folding it again converts nothing twice.
 */
export const currentSchema = (event: ProjectedEvent): ProjectedEvent => {
  const stored = storedSchemaVersion(event.metadata);
  const current = eventSchemaVersion(event.type);
  if (stored >= current) return event;
  return { ...event, data: upcastEventData(event.type, event.data, stored), metadata: { ...event.metadata, schemaVersion: current } };
};

export const projectedFromRecorded = (event: RecordedEvent): ProjectedEvent | undefined =>
  COMPLAINT_STREAM.test(event.streamId) ? currentSchema(fromRecordedEvent(event, complaintIdFromStream(event.streamId))) : undefined;

export const projectedFromMessage = (message: ComplaintEventMessage): ProjectedEvent =>
  currentSchema({
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
 * The domain's own `evolve` decides what every event means to the complaint, read through the
 * domain's one stored → domain converter. An event type this build does not know yet (written by
 * a newer service) is passed over rather than folded, so an older service cannot corrupt its state with it.
 */
export const evolveComplaint = (state: ComplaintState | undefined, event: Pick<ProjectedEvent, 'type' | 'data'> & { metadata?: Record<string, unknown> }): ComplaintState => {
  const current = state ?? initialState();
  const domainEvent = toDomainEvent(event);
  return domainEvent ? evolve(current, domainEvent) : current;
};
