/**
 * The integration event on `complaints.events.v1`: one stored complaint event, as the
 * relay publishes it. Schema version 1.
 */
export type ComplaintEventMessage = {
  schemaVersion: 1;
  eventId: string;
  type: string;
  complaintId: string;
  streamId: string;
  /** 0-based revision of the event in its complaint stream. */
  revision: number;
  /** Position in the event store's global order (string: may exceed 2^53 on EventStoreDB). */
  position: string;
  recordedAt: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
};

export const COMPLAINT_STREAM_PREFIX = 'complaint-';
export const complaintStreamId = (complaintId: string): string => `${COMPLAINT_STREAM_PREFIX}${complaintId}`;
export const complaintIdFromStream = (streamId: string): string => streamId.slice(COMPLAINT_STREAM_PREFIX.length);

export const parseComplaintEventMessage = (value: string): ComplaintEventMessage => {
  const parsed = JSON.parse(value) as Partial<ComplaintEventMessage>;
  if (parsed.schemaVersion !== 1 || typeof parsed.eventId !== 'string' || typeof parsed.type !== 'string' || typeof parsed.complaintId !== 'string') {
    throw new Error('not a complaint event message (schemaVersion 1)');
  }
  return parsed as ComplaintEventMessage;
};
