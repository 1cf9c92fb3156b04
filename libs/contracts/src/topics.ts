/**
 * Kafka topics between the services. Names are versioned: a breaking change to a
 * message schema gets a new topic (`.v2`) that runs beside the old one until every
 * consumer has moved.
 */
export type TopicNames = {
  /** Every event of every complaint stream, keyed by complaint id (per-complaint order). */
  complaintEvents: string;
  /** Chase notices and escalations for the notifier adapters. */
  notifications: string;
};

export const topicNames = (prefix = 'complaints'): TopicNames => ({
  complaintEvents: `${prefix}.events.v1`,
  notifications: `${prefix}.notifications.v1`,
});

/** Where a message that keeps failing goes, with the error, so its partition keeps flowing. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

/** Message headers every published event carries. */
export const HEADER = {
  eventId: 'event-id',
  eventType: 'event-type',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  schemaVersion: 'schema-version',
  error: 'dlq-error',
  originalTopic: 'dlq-original-topic',
  attempts: 'dlq-attempts',
} as const;
