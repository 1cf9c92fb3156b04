import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { PlatformConfig } from '../config';
import { ApiExceptionFilter } from './api-exception.filter';
import { strictValidationPipe } from './validation';

const LEVELS: Record<PlatformConfig['logLevel'], LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Applies what every service shares: /api prefix, JSON limits, validation, errors, headers, OpenAPI. */
export const configureHttpApp = (app: NestExpressApplication, title: string): void => {
  app.useBodyParser('json', { limit: '256kb' });
  app.setGlobalPrefix('api');
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.disable('x-powered-by');
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
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
  configureHttpApp(app, title);
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
};

export const listen = async (app: INestApplication, config: PlatformConfig): Promise<void> => {
  await app.listen(config.port, config.host);
  new Logger(config.processName).log(`listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/api`);
};
