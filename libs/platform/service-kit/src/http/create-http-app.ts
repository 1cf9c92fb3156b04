import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { PlatformConfig } from '../config';
import { ApiExceptionFilter } from './api-exception.filter';
import { inputGuard, noStore } from './input-guard';
import { strictValidationPipe } from './validation';

const LEVELS: Record<PlatformConfig['logLevel'], LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Applies what every service shares: /api prefix, JSON limits, validation, errors, headers, OpenAPI. */
export const configureHttpApp = (app: NestExpressApplication, title: string, options: { trustProxy?: number | string } = {}): void => {
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
          imgSrc: ["'self'", 'data:'],
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
      .setDescription('Complaint handling (客户投诉处理) — the public HTTP contract of ../shared/API.md')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
};

export const createHttpApp = async (
  rootModule: unknown,
  config: PlatformConfig,
  title: string,
  options: { shutdownHooks?: boolean } = {},
): Promise<INestApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(rootModule as never, {
    bodyParser: false,
    logger: LEVELS[config.logLevel],
  });
  configureHttpApp(app, title, { trustProxy: config.trustProxy });
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
};

export const listen = async (app: INestApplication, config: PlatformConfig): Promise<void> => {
  await app.listen(config.port, config.host);
  new Logger(config.processName).log(`listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/api`);
};
