import { Logger, type INestApplication } from '@nestjs/common';
import { Logger as JsonNestLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import helmet from 'helmet';
import type { Request, Response } from 'express';
import type { PlatformConfig } from '../config';
import { ApiExceptionFilter } from './api-exception.filter';
import { JSON_LOGGER, MESSAGE_BUS, METRICS, TOPICS } from '../tokens';
import { logRequests } from '../observability/logger';
import { startTracing, traceRequests } from '../observability/tracing';
import { BusTransport } from '../bus/bus-transport';
import type { Metrics } from '../metrics/metrics';
import { inputGuard, noStore } from './input-guard';
import { strictValidationPipe } from './validation';

/**
 * Applies what every service shares: /api prefix, JSON limits, validation, errors, headers,
 * OpenAPI. Returns the OpenAPI document it serves (`npm run docs:api` writes it to docs/api/).
 */
export const configureHttpApp = (app: NestExpressApplication, title: string, options: { trustProxy?: number | string } = {}): OpenAPIObject => {
  // Behind a reverse proxy (TRUST_PROXY), the client address is the one the proxy saw.
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  app.disable('x-powered-by');
  // Security headers (helmet) FIRST, so every answer has them — also the ones the body
  // parser gives (malformed JSON, too large): nosniff, frame-ancestors none, no
  // referrer, and a CSP that allows only this origin (inline styles for the OpenAPI
  // page and charts).
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          // blob: the dashboard shows attachment thumbnails from object URLs of bytes it
          // fetched with the token (an <img> cannot send one).
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          // Served over plain http on a LAN by the embedded default: do not force https.
          upgradeInsecureRequests: null,
        },
      },
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(noStore);
  app.useBodyParser('json', { limit: '256kb' });
  // After the parser: NUL, lone surrogates, non-finite numbers, deep nesting → 400.
  app.use(inputGuard);
  app.setGlobalPrefix('api');
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription('Complaint handling (客户投诉处理) — the public HTTP contract; the guide is docs/api.md in the repository')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return document;
};

/**
 * The OpenAPI document a root module would serve, without starting it: Nest's preview mode
 * reads the controllers' decorators and instantiates no provider, so no database, event
 * store or broker is touched (`npm run docs:api`, the cluster gateway's routing test).
 */
export const previewOpenApiDocument = async (rootModule: unknown, title: string): Promise<OpenAPIObject> => {
  const app = await NestFactory.create<NestExpressApplication>(rootModule as never, { preview: true, logger: false, bodyParser: false, abortOnError: false });
  try {
    return configureHttpApp(app, title);
  } finally {
    await app.close();
  }
};

/** Times every request into the `http_request_duration_seconds` histogram, labelled by route pattern (never by raw path). */
const observeRequests = (app: NestExpressApplication, metrics: Metrics): void => {
  app.use((req: Request, res: Response, next: () => void) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req as Request & { route?: { path?: string } }).route?.path;
      metrics.httpDuration.observe(
        { method: req.method, route: route ? `${req.baseUrl}${route}` : 'unmatched', status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  });
};

export const createHttpApp = async (
  rootModule: unknown,
  config: PlatformConfig,
  title: string,
  options: { shutdownHooks?: boolean } = {},
): Promise<INestApplication> => {
  // Spans only when the OTEL_* variables ask for them (before any request or message).
  startTracing(config.processName);
  const app = await NestFactory.create<NestExpressApplication>(rootModule as never, {
    bodyParser: false,
    // Held until the JSON logger takes over, then written through it.
    bufferLogs: true,
  });
  app.useLogger(app.get(JsonNestLogger));
  // First in line: the request's span, then its log context and its "request completed" line.
  app.use(traceRequests);
  app.use(logRequests(app.get<symbol, Pino>(JSON_LOGGER, { strict: false })));
  const metrics = app.get<symbol, Metrics>(METRICS, { strict: false });
  observeRequests(app, metrics);
  // The bus as a Nest transport: every @BusEventPattern handler becomes a consumer group (started by `startConsumers`).
  app.connectMicroservice({ strategy: new BusTransport(app.get(MESSAGE_BUS, { strict: false }), app.get(TOPICS, { strict: false }), metrics) });
  configureHttpApp(app, title, { trustProxy: config.trustProxy });
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
};

/**
 * Runs the start-up hooks (migrations among them), then subscribes every bus handler: a
 * consumer never gets a message before its tables exist.
 */
export const startConsumers = async (app: INestApplication): Promise<void> => {
  await app.init();
  await app.startAllMicroservices();
};

export const listen = async (app: INestApplication, config: PlatformConfig): Promise<void> => {
  await startConsumers(app);
  await app.listen(config.port, config.host);
  new Logger(config.processName).log(`listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/api`);
};
