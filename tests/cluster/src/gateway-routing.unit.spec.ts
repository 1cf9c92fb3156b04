import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { serviceOpenApiDocument, type ServiceName } from '@complaints/service-kit';
import { IntakeModule } from '@complaints/intake-service';
import { TriageModule } from '@complaints/triage-service';
import { HandlingModule } from '@complaints/handling-service';
import { CallbackModule } from '@complaints/callback-service';
import { ReportingModule } from '@complaints/reporting-service';

const root = join(__dirname, '../../..');
// tools/ is no Nx project: loaded by path, as the launcher loads it.
const { routeRequest } = require(join(root, 'tools/cluster/routes.cjs')) as { routeRequest: (method: string, path: string) => ServiceName };
const { mergeOpenApi, samplePath } = require(join(root, 'tools/cluster/merge-openapi.cjs')) as {
  mergeOpenApi: (services: { name: string; document: OpenAPIObject }[], title: string) => { document: OpenAPIObject; problems: string[] };
  samplePath: (template: string) => string;
};

const FEATURES: Record<ServiceName, Type> = { intake: IntakeModule, triage: TriageModule, handling: HandlingModule, callback: CallbackModule, reporting: ReportingModule };
const operations = (document: OpenAPIObject): string[] =>
  Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();

let services: { name: ServiceName; document: OpenAPIObject }[] = [];
beforeAll(async () => {
  services = await Promise.all((Object.keys(FEATURES) as ServiceName[]).map(async (name) => ({ name, document: await serviceOpenApiDocument(name, FEATURES[name]) })));
});
/** Does `service`, run as its own process, serve `operation` ("POST /api/…")? */
const serves = (service: ServiceName, operation: string): boolean => {
  const document = services.find((s) => s.name === service)?.document;
  return !!document && operations(document).includes(operation);
};
const routeOf = (operation: string): ServiceName => {
  const [method, path] = operation.split(' ');
  return routeRequest(method, samplePath(path));
};

describe('The cluster gateway sends every request to a service that answers it (tools/cluster/routes.cjs)', () => {
  it('every operation of the public contract (docs/api/openapi.json) is routed to a service that serves it', () => {
    const contract = JSON.parse(readFileSync(join(root, 'docs/api/openapi.json'), 'utf8')) as OpenAPIObject;
    const misrouted = operations(contract).filter((operation) => !serves(routeOf(operation), operation));
    expect(misrouted.map((operation) => `${operation} → ${routeOf(operation)}`)).toEqual([]);
    expect(operations(contract).length).toBeGreaterThan(20);
  });

  it("every operation a service serves (but each service's health check) is routed to that service", () => {
    const elsewhere = services.flatMap(({ name, document }) =>
      operations(document)
        .filter((operation) => operation !== 'GET /api/health' && routeOf(operation) !== name)
        .map((operation) => `${operation}: served by ${name}, routed to ${routeOf(operation)}`),
    );
    expect(elsewhere).toEqual([]);
  });

  it('given the five documents, when merged, then the result has exactly the operations of the embedded default and no conflicts', () => {
    const contract = JSON.parse(readFileSync(join(root, 'docs/api/openapi.json'), 'utf8')) as OpenAPIObject;
    const { document, problems } = mergeOpenApi(services, 'merged');
    expect(problems).toEqual([]);
    expect(operations(document)).toEqual(operations(contract));
    expect(Object.keys(document.components?.schemas ?? {}).sort()).toEqual(Object.keys(contract.components?.schemas ?? {}).sort());
  });

  it('routes writes to their owners and every read to reporting', () => {
    expect(routeRequest('POST', '/api/complaints')).toBe('intake');
    expect(routeRequest('GET', '/api/complaints?siteId=site-a')).toBe('reporting');
    expect(routeRequest('GET', '/api/complaints/abc/triage/suggestion')).toBe('triage');
    expect(routeRequest('POST', '/api/complaints/abc/replies')).toBe('handling');
    expect(routeRequest('GET', '/api/callbacks?siteId=site-a')).toBe('callback');
    expect(routeRequest('POST', '/api/complaints/abc/callback-exemption')).toBe('callback');
    for (const action of ['major', 'compensations', 'outreach', 'written-reports']) expect(routeRequest('POST', `/api/complaints/abc/${action}`)).toBe('handling');
    expect(routeRequest('POST', '/api/complaints/abc/archive')).toBe('intake');
    expect(routeRequest('GET', '/api/archives/site-a/2026')).toBe('reporting');
    expect(routeRequest('GET', '/')).toBe('reporting');
    // The live stream: reporting announces what its projections applied.
    expect(routeRequest('GET', '/api/events/stream')).toBe('reporting');
  });
});
