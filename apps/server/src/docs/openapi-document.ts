import type { Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { InMemoryMessageBus } from '@complaints/messaging';
import { composeRootModule, loadConfig, previewOpenApiDocument } from '@complaints/service-kit';
import { IntakeModule } from '@complaints/intake-service';
import { TriageModule } from '@complaints/triage-service';
import { HandlingModule } from '@complaints/handling-service';
import { CallbackModule } from '@complaints/callback-service';
import { ReportingModule } from '@complaints/reporting-service';

/** The title the embedded launcher gives its OpenAPI document (apps/server/src/main.ts). */
export const EMBEDDED_API_TITLE = 'Complaints — all services (embedded)';

export const FEATURE_MODULES: Type[] = [IntakeModule, TriageModule, HandlingModule, CallbackModule, ReportingModule];

/**
 * The OpenAPI document the embedded default serves at `/api/docs-json`, built without a
 * database: Nest's preview mode reads the controllers' decorators but instantiates no
 * provider, so no pool, event store or bus is opened. The configuration is the embedded
 * one (sign-in served, no test clock), so the document equals the running server's.
 */
export const buildOpenApiDocument = async (): Promise<OpenAPIObject> => {
  const config = loadConfig(
    {},
    {
      processName: 'embedded',
      host: '127.0.0.1',
      port: 3000,
      bus: 'memory',
      relayEnabled: true,
      schedulerEnabled: true,
      databaseUrl: 'postgres://docs-only@127.0.0.1:1/unused',
      personalDataKey: 'docs-only-personal-data-key-0123456789',
      auth: { login: true, seedDemoUsers: true, jwtSecret: 'docs-only-jwt-secret-0123456789abcdef' },
    },
  );
  const root = composeRootModule(config, FEATURE_MODULES, { bus: new InMemoryMessageBus(() => undefined) });
  return previewOpenApiDocument(root, EMBEDDED_API_TITLE);
};
