/**
 * Which handler failures are the infrastructure's, not the message's: a database or
 * broker that is restarting, a connection that dropped, a deadlock or a serialization
 * failure. Those are retried until they pass (the message is fine; dead-lettering it
 * would lose an event for this consumer); everything else — unparsable data, a domain
 * refusal, a bug — is retried a few times and then dead-lettered so the partition flows.
 */
const TRANSIENT_CODES = new Set([
  // Node sockets
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // PostgreSQL (SQLSTATE)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '55P03', // lock_not_available
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '58030', // io_error
  // The event store: a concurrent write won every attempt of handleCommand; reading again will do
  'wrong_expected_revision',
]);

const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /connection (?:was )?(?:closed|reset|refused)/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /the database system is (?:starting up|shutting down|in recovery mode)/i,
  /not aware of this member/i,
  /rebalanc/i,
];

const KAFKAJS_TRANSIENT = /^KafkaJS(?:Connection|Request|Timeout|Network|NumberOfRetriesExceeded|Lock|BrokerNotFound|NotImplemented)?Error$/;

export const isTransientError = (error: unknown, depth = 0): boolean => {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; name?: unknown; message?: unknown; retriable?: unknown; cause?: unknown; driverError?: unknown; originalError?: unknown };
  if (typeof e.code === 'string' && (TRANSIENT_CODES.has(e.code) || e.code.startsWith('08'))) return true; // 08xxx: connection exception
  if (typeof e.name === 'string' && KAFKAJS_TRANSIENT.test(e.name) && e.retriable !== false) return true;
  if (e.retriable === true) return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(e.message as string))) return true;
  return [e.cause, e.driverError, e.originalError].some((inner) => isTransientError(inner, depth + 1));
};
