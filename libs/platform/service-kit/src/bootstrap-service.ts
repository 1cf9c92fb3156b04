import { Logger, Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { loadConfig, SERVICE_PORTS, type PlatformConfig, type ServiceName } from './config';
import { PlatformModule, type PlatformOverrides } from './platform.module';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createHttpApp, listen, previewOpenApiDocument } from './http/create-http-app';
import { serveDashboard } from './http/serve-dashboard';

/** Where the relay and the deadline scheduler run by default in the distributed topology. */
type ServiceDefaults = Partial<Omit<PlatformConfig, 'auth'>> & { auth?: Partial<PlatformConfig['auth']> };

const DEFAULTS: Record<ServiceName, ServiceDefaults> = {
  intake: { relayEnabled: true },
  triage: {},
  handling: { schedulerEnabled: true },
  callback: {},
  // Sign-in is served by reporting (the reverse proxy routes /api/auth there).
  reporting: { auth: { login: true } },
};

@Module({})
class ServiceRootModule {}

/** A root module of the platform plus the given feature modules. */
export const composeRootModule = (config: PlatformConfig, features: Type[], overrides: PlatformOverrides = {}): DynamicModule => ({
  module: ServiceRootModule,
  imports: [PlatformModule.forRoot(config, overrides), ...features],
});

/** The title of a service's OpenAPI document. */
export const serviceApiTitle = (name: ServiceName): string => `Complaints — ${name} service`;

/**
 * The OpenAPI document one service serves at `/api/docs-json` when run as its own process,
 * built without a database (preview mode; the connection settings and secrets are placeholders, and
 * nothing listens).
 */
export const serviceOpenApiDocument = (name: ServiceName, feature: Type): Promise<OpenAPIObject> => {
  const env = {
    DATABASE_URL: 'postgres://docs-only@127.0.0.1:1/unused',
    HOST: '127.0.0.1',
    JWT_SECRET: 'docs-only-jwt-secret-0123456789abcdef',
    PERSONAL_DATA_KEY: 'docs-only-personal-data-key-0123456789',
  };
  const config = loadConfig(env, { processName: name, port: SERVICE_PORTS[name], bus: 'kafka', ...DEFAULTS[name] });
  return previewOpenApiDocument(composeRootModule(config, [feature]), serviceApiTitle(name));
};

/** Starts one service as its own process: its own port, talking to the others only through Kafka. */
export const bootstrapService = async (name: ServiceName, feature: Type, env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> => {
  const config = loadConfig(env, { processName: name, port: SERVICE_PORTS[name], bus: 'kafka', ...DEFAULTS[name] });
  const app = await createHttpApp(composeRootModule(config, [feature]), config, serviceApiTitle(name));
  // Reporting also serves the web app: the reverse proxy sends `/` to it.
  if (name === 'reporting') serveDashboard(app, new Logger('reporting'), config.port);
  await listen(app, config);
  return app;
};
