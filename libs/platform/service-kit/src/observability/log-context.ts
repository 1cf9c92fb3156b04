import { AsyncLocalStorage } from 'node:async_hooks';

/** Who acted: the user's id and role only (never a name). */
export type LogActor = { id: string; role: string };

/**
 * What every log line written while handling one request, one bus batch or one command
 * carries besides its message: ids that let an operator follow a complaint through the
 * services. Never personal data: the complainant's name, phone and flat number have no
 * field here, and the actor is an id and a role.
 */
export type LogContext = {
  correlationId?: string;
  causationId?: string;
  complaintId?: string;
  actor?: LogActor;
  /** The consumer group handling a bus batch. */
  group?: string;
  /** The event a one-message batch carries. */
  eventId?: string;
  eventType?: string;
};

const storage = new AsyncLocalStorage<LogContext>();

const FIELDS: (keyof LogContext)[] = ['correlationId', 'causationId', 'complaintId', 'actor', 'group', 'eventId', 'eventType'];

const defined = (fields: LogContext): LogContext => {
  const out: LogContext = {};
  for (const key of FIELDS) if (fields[key] !== undefined) (out as Record<string, unknown>)[key] = fields[key];
  return out;
};

/** The fields of the context the caller runs in (empty outside any). */
export const currentLogContext = (): LogContext => ({ ...(storage.getStore() ?? {}) });

/** The context object itself (the request's middleware keeps it to write its last line). */
export const liveLogContext = (): LogContext | undefined => storage.getStore();

/** Runs `fn` in a fresh context: a request, a bus batch (nothing leaks from whatever started it). */
export const runInLogContext = <T>(fields: LogContext, fn: () => T): T => storage.run(defined(fields), fn);

/**
 * Adds what a command knows (its complaint, actor, correlation and causation ids) to the
 * context it runs in, keeping what the context says already, so the request's own lines
 * (e.g. "request completed") name the complaint too; outside any context it opens one.
 */
export const annotateLogContext = <T>(fields: LogContext, fn: () => T): T => {
  const current = storage.getStore();
  if (!current) return storage.run(defined(fields), fn);
  for (const [key, value] of Object.entries(defined(fields))) if ((current as Record<string, unknown>)[key] === undefined) (current as Record<string, unknown>)[key] = value;
  return fn();
};
