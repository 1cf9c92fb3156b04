import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Context,
  type Link,
  type Span,
  type SpanOptions,
  type TextMapGetter,
} from '@opentelemetry/api';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import type { NextFunction, Request, Response } from 'express';

/**
 * OpenTelemetry tracing (README "Traces"): off unless the standard variables ask for it
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; OTEL_SDK_DISABLED=true
 * or OTEL_TRACES_EXPORTER=none turn it off again). When off, every helper here runs its
 * function under OpenTelemetry's no-op tracer: no span, no header, nothing stored.
 *
 * One trace follows a request across the processes: the HTTP span, the command, the
 * append; the event stores the command's W3C trace context in its metadata (`traceparent`),
 * the relay's publish span continues it and puts its own context into the Kafka message's
 * headers, and every consumer group's span (and reporting's projection spans) continues
 * from there.
 */
export const TRACER_NAME = 'complaints';

/** The W3C trace-context keys, in HTTP headers, event metadata and bus message headers. */
export const TRACE_CONTEXT_KEYS = ['traceparent', 'tracestate'] as const;

export const tracingRequested = (env: NodeJS.ProcessEnv): boolean => {
  if (/^true$/i.test(env.OTEL_SDK_DISABLED ?? '')) return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((e) => e.trim());
  if (exporters.every((e) => e === 'none')) return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
};

let provider: NodeTracerProvider | undefined;

/**
 * Starts the tracer provider of this process once, when the environment asks for it: OTLP
 * over HTTP (JSON) to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT +
 * `/v1/traces`, with OTEL_EXPORTER_OTLP_HEADERS and the batch processor's OTEL_BSP_*
 * settings. Service name `complaints-<process>` unless OTEL_SERVICE_NAME (or
 * OTEL_RESOURCE_ATTRIBUTES) says otherwise. Returns whether tracing is on.
 */
export const startTracing = (processName: string, env: NodeJS.ProcessEnv = process.env): boolean => {
  if (provider) return true;
  if (!tracingRequested(env)) return false;
  const resource = resourceFromAttributes({ 'service.name': `complaints-${processName}`, 'service.namespace': 'complaints' }).merge(detectResources({ detectors: [envDetector] }));
  provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  // Global tracer provider, AsyncLocalStorage context manager, W3C trace-context propagator.
  provider.register();
  return true;
};

/** Sends the spans still buffered (on shutdown). */
export const flushTracing = async (): Promise<void> => {
  await provider?.forceFlush().catch(() => undefined);
};

export const tracer = () => trace.getTracer(TRACER_NAME);

/** Runs `fn` as the active span `name` (ended when it settles; an error marks it failed). */
export const inSpan = <T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T> | T, parent: Context = context.active()): Promise<T> =>
  tracer().startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });

const getter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

/** The active span's W3C trace context (`traceparent`, `tracestate`), or {} when tracing is off. */
export const activeTraceContext = (): Record<string, string> => {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
};

/** The trace context some headers or metadata carry (the root context when none). */
export const contextFrom = (carrier: Record<string, unknown> | undefined): Context => (carrier ? propagation.extract(ROOT_CONTEXT, carrier, getter) : ROOT_CONTEXT);

/** Just the trace-context entries of event metadata, as message headers. */
export const traceHeadersFrom = (metadata: Record<string, unknown>): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const key of TRACE_CONTEXT_KEYS) if (typeof metadata[key] === 'string') headers[key] = metadata[key];
  return headers;
};

/** The active trace and span ids for log lines (undefined when tracing is off). */
export const activeTraceIds = (): { traceId: string; spanId: string } | undefined => {
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : undefined;
};

const UNTRACED = new Set(['/api/health', '/api/metrics']);

/**
 * Express middleware: one server span per request (`POST /api/complaints`, named by the
 * route pattern once it is known), continuing an incoming `traceparent`; only the API's
 * paths, and neither health probes nor metric scrapes.
 */
export const traceRequests = (req: Request, res: Response, next: NextFunction): void => {
  if (UNTRACED.has(req.path) || !req.originalUrl.startsWith('/api')) return next();
  const parent = propagation.extract(ROOT_CONTEXT, req.headers, getter);
  const span = tracer().startSpan(
    `${req.method}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
    parent,
  );
  res.on('finish', () => {
    const route = (req as Request & { route?: { path?: string } }).route?.path;
    const pattern = route ? `${req.baseUrl}${route}` : undefined;
    if (pattern) {
      span.updateName(`${req.method} ${pattern}`);
      span.setAttribute('http.route', pattern);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
};

/**
 * The span of a bus batch in one consumer group: it continues the trace of the batch's
 * first traced message and links every other message's trace, so a registration's trace
 * reaches each group that handled it.
 */
export const consumerSpanContext = (headers: Record<string, string>[]): { parent: Context; links: Link[] } => {
  const traced = headers.map((h) => contextFrom(h)).filter((c) => trace.getSpanContext(c) !== undefined);
  const links = traced.slice(1).flatMap((c) => {
    const span = trace.getSpanContext(c);
    return span ? [{ context: span }] : [];
  });
  return { parent: traced[0] ?? ROOT_CONTEXT, links };
};

export { SpanKind };
