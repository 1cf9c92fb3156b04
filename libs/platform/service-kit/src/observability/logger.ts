import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';
import type { Params } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import { context as otelContext } from '@opentelemetry/api';
import { currentLogContext, liveLogContext, runInLogContext, type LogContext } from './log-context';
import { activeTraceIds } from './tracing';

export type LogLevelSetting = 'debug' | 'info' | 'warn' | 'error';

/**
 * Paths pino removes from any object logged, whatever wrote it: credentials, and the
 * complainant's personal data should an object carrying it ever be logged by mistake
 * (nothing in this code logs one; this is the safety net).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'password',
  '*.password',
  'accessToken',
  '*.accessToken',
  'complainant',
  '*.complainant',
  'body',
  '*.body',
];

/**
 * The process's JSON logger: one line per entry with `time` (ISO), `level` (label),
 * `service`, `msg`, the Nest `context`, and the ids of the work in hand (`correlationId`,
 * `causationId`, `complaintId`, `actor` {id, role}, `group`, `eventId`, `eventType`,
 * `requestId`; `traceId`/`spanId` when tracing is on).
 */
export const createJsonLogger = (options: { service: string; level: LogLevelSetting; destination?: DestinationStream }): Pino =>
  pino(
    {
      level: options.level,
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => ({ ...currentLogContext(), ...(activeTraceIds() ?? {}) }),
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** nestjs-pino's settings: its request-scoped logger binds only `requestId`; the completion line is ours (`logRequests`). */
export const nestLoggerParams = (logger: Pino): Params => ({
  pinoHttp: {
    logger,
    autoLogging: false,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
  },
});

const QUIET = new Set(['/api/health', '/api/metrics']);

/**
 * Express middleware, first in line: opens the request's log context (correlation id from
 * `X-Correlation-Id`; the command fills in the complaint, the actor and the ids it stored)
 * and writes one `request completed` line with method, route pattern (never the query
 * string, never the body), status and duration. Health probes and scrapes are not logged
 * unless they fail.
 */
export const logRequests =
  (logger: Pino) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-correlation-id'];
    const fields: LogContext = typeof given === 'string' && REQUEST_ID.test(given) ? { correlationId: given } : {};
    const started = process.hrtime.bigint();
    runInLogContext(fields, () => {
      // The live context: the command adds to it while the request runs; 'finish' may fire outside it.
      const context = liveLogContext() ?? {};
      // …and the request's span, so the line carries its trace id.
      const traced = otelContext.active();
      res.on('finish', () => {
        // The API's requests only (not the dashboard's files); probes and scrapes only when they fail.
        if (!req.originalUrl.startsWith('/api') || (QUIET.has(req.path) && res.statusCode < 500)) return;
        const route = (req as Request & { route?: { path?: string } }).route?.path;
        const user = (req as Request & { user?: { id?: unknown; role?: unknown } }).user;
        const actor = typeof user?.id === 'string' && typeof user.role === 'string' ? { id: user.id, role: user.role } : undefined;
        const log = (req as Request & { log?: Pino }).log ?? logger;
        const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
        otelContext.with(traced, () => runInLogContext({ ...context, ...(context.actor || !actor ? {} : { actor }) }, () =>
          log[level](
            {
              http: {
                method: req.method,
                route: route ? `${req.baseUrl}${route}` : 'unmatched',
                status: res.statusCode,
                durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
              },
            },
            'request completed',
          ),
        ));
      });
      next();
    });
  };
