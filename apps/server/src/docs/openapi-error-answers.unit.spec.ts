import type { OpenAPIObject } from '@nestjs/swagger';
import { documentErrorAnswers } from '@complaints/service-kit';
import { buildOpenApiDocument } from './openapi-document';

type Answer = { description?: string; content?: Record<string, { schema?: { $ref?: string } }> };
type Operation = { responses: Record<string, Answer>; security?: unknown[] };

const operations = (document: OpenAPIObject): [string, Operation][] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );

const PUBLIC = new Set(['GET /api/health', 'POST /api/auth/login']);

describe('OpenAPI: every endpoint documents its error answers (docs/api.md "Errors": one body for every 4xx)', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await buildOpenApiDocument();
  }, 60_000);

  it('should give every 4xx/5xx answer of every operation the ApiErrorDto schema', () => {
    const missing = operations(document).flatMap(([name, op]) =>
      Object.entries(op.responses)
        .filter(([status, answer]) => /^[45]/.test(status) && answer.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ApiErrorDto')
        .map(([status]) => `${name} ${status}`),
    );
    expect(missing).toEqual([]);
    expect(document.components?.schemas?.ApiErrorDto).toBeDefined();
  });

  it('should document 401 and 403 (and the bearer token) on every operation that needs a token, and neither on the public ones', () => {
    for (const [name, op] of operations(document)) {
      const statuses = Object.keys(op.responses);
      if (PUBLIC.has(name)) {
        expect([name, statuses.includes('401'), op.security]).toEqual([name, false, undefined]);
      } else {
        expect([name, statuses.includes('401'), statuses.includes('403'), op.security]).toEqual([name, true, true, [{ bearer: [] }]]);
      }
    }
  });

  it.each([
    'POST /api/complaints/{id}/corrections',
    'POST /api/complaints/{id}/triage',
    'POST /api/complaints/{id}/triage/referral',
    'POST /api/complaints/{id}/replies',
    'POST /api/complaints/{id}/plan',
    'POST /api/complaints/{id}/resolve',
    'POST /api/complaints/{id}/escalate',
    'POST /api/complaints/{id}/reassign',
    'POST /api/complaints/{id}/callbacks',
    'POST /api/complaints/{id}/callback-exemption',
  ])('should document the refusals of the older command %s like the newer ones (400, 401, 403, 404, 409, 422)', (name) => {
    const op = Object.fromEntries(operations(document))[name];
    expect(Object.keys(op.responses).filter((s) => s.startsWith('4')).sort()).toEqual(['400', '401', '403', '404', '409', '422']);
  });

  it('should keep an answer an endpoint documents itself, and only fill in what is missing', () => {
    const doc = documentErrorAnswers({
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: { '/api/complaints/{id}/x': { post: { responses: { '202': { description: 'ok' }, '409': { description: 'own words' } }, requestBody: { content: {} } } } },
      components: {},
    } as unknown as OpenAPIObject);
    const op = (doc.paths['/api/complaints/{id}/x'] as unknown as { post: Operation }).post;
    expect(op.responses['409'].description).toBe('own words');
    expect(Object.keys(op.responses).sort()).toEqual(['202', '400', '401', '403', '404', '409', '422']);
  });
});
