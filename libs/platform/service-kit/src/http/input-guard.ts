import type { NextFunction, Request, Response } from 'express';
import { STATUS_TEXT, type ErrorDetail } from '../api-error';

/** Deeper JSON than any request of docs/api.md needs (the deepest is 3 levels). */
export const MAX_INPUT_DEPTH = 32;

/** A lone UTF-16 surrogate: in a `u` regex, paired surrogates form one code point and do not match. */
const LONE_SURROGATE = /\p{Cs}/u;

const textProblem = (text: string): string | undefined =>
  text.includes('\u0000') ? 'must not contain a NUL character (\\u0000)' : LONE_SURROGATE.test(text) ? 'must be valid Unicode text (it has an unpaired UTF-16 surrogate)' : undefined;

/**
 * The first value of a request body or query no handler can store or should see: text
 * with NUL or an unpaired surrogate (PostgreSQL's jsonb and text refuse both, so it
 * would be a 500 after a complaint number was taken), a number that is not finite
 * (JSON.parse turns 1e400 into Infinity), or nesting deeper than MAX_INPUT_DEPTH (the
 * validators recurse, and a 5,000-level body overflowed their stack). Iterative, so a
 * hostile body cannot overflow this check's own stack either.
 */
export const findUnsafeInput = (value: unknown, root = ''): ErrorDetail | undefined => {
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length) {
    const [current, field, depth] = stack.pop() as [unknown, string, number];
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return { field: field || '(body)', problem };
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { field: field || '(body)', problem: 'must be a finite number' };
    } else if (current !== null && typeof current === 'object') {
      if (depth >= MAX_INPUT_DEPTH) return { field: (field || '(body)').slice(0, 200), problem: `must not nest deeper than ${MAX_INPUT_DEPTH} levels` };
      for (const [key, child] of Object.entries(current)) {
        const path = field ? `${field}.${key}` : key;
        const keyProblem = textProblem(key);
        if (keyProblem) return { field: JSON.stringify(key), problem: `field name ${keyProblem}` };
        stack.push([child, path, depth + 1]);
      }
    }
  }
  return undefined;
};

const refuse = (res: Response, details: ErrorDetail[]): void => {
  res.status(400).json({
    statusCode: 400,
    error: STATUS_TEXT[400],
    message: `Invalid request: ${details.map((d) => d.field).join(', ')}`,
    code: 'error.validation',
    params: { fields: details.map((d) => d.field) },
    details: details.map((d) => ({ ...d, code: d.code ?? 'problem.invalid' })),
  });
};

/** Runs after the body parser: refuses unsafe bodies and query values with a 400 naming the field, before any handler. */
export const inputGuard = (req: Request, res: Response, next: NextFunction): void => {
  const problem = findUnsafeInput(req.query) ?? (req.body === undefined ? undefined : findUnsafeInput(req.body));
  if (problem) return refuse(res, [problem]);
  next();
};

/**
 * Runs first on every /api response: nothing of the API may be kept by a browser or a
 * shared cache (views, lists and exports carry personal data, tokens are in answers).
 */
export const noStore = (req: Request, res: Response, next: NextFunction): void => {
  if (req.path.startsWith('/api')) res.setHeader('Cache-Control', 'no-store');
  next();
};
