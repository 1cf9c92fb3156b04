import type { OpenAPIObject } from '@nestjs/swagger';

/** Marks an operation that needs no token in the OpenAPI document (set by `@Public()`, read and removed here). */
export const PUBLIC_EXTENSION = 'x-public';

type Operation = {
  parameters?: { in?: string }[];
  requestBody?: unknown;
  responses: Record<string, { description?: string; content?: Record<string, unknown> }>;
  security?: Record<string, string[]>[];
  [key: string]: unknown;
};

const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorDto' } } };

/** Descriptions for error answers an operation lists without one. */
const GENERIC: Record<string, string> = {
  '400': 'Malformed input (details name each field)',
  '401': 'No token, or an expired or invalid one',
  '403': 'Not allowed for this user (message says why)',
  '404': 'Not found',
  '409': 'Not in a state that allows it (message says why)',
  '422': 'The data is refused (details name each field)',
};

/**
 * Documents the error answers of every operation the way the newer endpoints spell them out
 * (docs/api.md "Errors": one body, ApiErrorDto, for every 4xx and 5xx), so no endpoint's
 * failures are left undocumented:
 * - every 4xx/5xx answer an operation lists carries the ApiErrorDto schema as JSON (also on
 *   an operation that answers a file when it succeeds) and a description;
 * - an operation that needs a token (all but `@Public()` ones) says so (bearer) and answers
 *   401 without a valid token and 403 when the role or the user's sites/departments forbid it;
 * - one with a body or parameters answers 400 naming each field at fault;
 * - one on a complaint (`{id}`) answers 404 for an unknown complaint;
 * - a complaint command (POST /api/complaints/{id}/…) answers 409 when the complaint's status
 *   does not allow it (or it is sealed), and it and registration answer 422 when the domain
 *   refuses the data, naming each field.
 * An answer the operation documents itself (its own description) is kept as it is.
 */
export const documentErrorAnswers = (document: OpenAPIObject): OpenAPIObject => {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item as Record<string, unknown>)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = value as Operation;
      const isPublic = op[PUBLIC_EXTENSION] === true;
      delete op[PUBLIC_EXTENSION];
      const add = (status: string, description: string) => {
        op.responses[status] ??= { description };
      };
      if (!isPublic) {
        op.security ??= [{ bearer: [] }];
        add('401', 'No token, or an expired or invalid one');
        add('403', 'The role may not, or the complaint or site is outside the user’s sites or departments (message says which)');
      }
      if (op.requestBody !== undefined || (op.parameters ?? []).some((p) => p.in === 'query' || p.in === 'path')) {
        add('400', 'Malformed input: the body, a parameter or the query fails validation (details name each field)');
      }
      if (path.includes('{id}')) add('404', 'No such complaint');
      // A complaint command: what the domain may refuse.
      if (method === 'post' && path.startsWith('/api/complaints/{id}/')) {
        add('409', 'The complaint’s status does not allow it now (message names the status), or the record is sealed (archived)');
      }
      if (method === 'post' && (path === '/api/complaints' || path.startsWith('/api/complaints/{id}/'))) {
        add('422', 'The domain refuses the data under the site’s policy (details name each field)');
      }
      // Errors are always JSON (ApiExceptionFilter), whatever the operation produces when it succeeds (a file, a stream).
      for (const [status, answer] of Object.entries(op.responses)) {
        if (!/^[45]\d\d$/.test(status)) continue;
        if (answer.content?.['application/json'] === undefined) answer.content = ERROR_BODY;
        if (!answer.description) answer.description = GENERIC[status] ?? 'Error (see docs/api.md "Errors")';
      }
    }
  }
  return document;
};
