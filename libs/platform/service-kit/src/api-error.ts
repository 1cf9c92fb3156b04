/**
 * docs/api.md's error body: `{ statusCode, error, message, code, params, details?: [{ field, problem, code }] }`.
 * `message` and `problem` are English for people reading the raw API; `code` and `params`
 * name the same thing in the shared message catalogue (@complaints/contracts/i18n) for a
 * client to render in the reader's language. Services throw these (or domain errors mapped
 * to them); the filter renders them, giving a code by status when the thrower named none.
 */
export type ErrorDetail = { field: string; problem: string; code?: string };
export type ErrorParams = Record<string, string | number | boolean | string[]>;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: ErrorDetail[],
    readonly code?: string,
    readonly params?: ErrorParams,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const badRequest = (message: string, details?: ErrorDetail[], code?: string, params?: ErrorParams) => new ApiError(400, message, details, code, params);
export const notFound = (message: string, code?: string, params?: ErrorParams) => new ApiError(404, message, undefined, code, params);
export const conflict = (message: string, details?: ErrorDetail[], code?: string, params?: ErrorParams) => new ApiError(409, message, details, code, params);

/** The catalogue code of an error body whose thrower named none, by status. */
export const CODE_BY_STATUS: Record<number, string> = {
  400: 'error.bad_request',
  401: 'error.unauthorized',
  403: 'error.forbidden',
  404: 'error.not_found',
  409: 'error.conflict',
  413: 'error.payload_too_large',
  415: 'error.unsupported_media_type',
  422: 'error.unprocessable',
  429: 'error.too_many_requests',
  500: 'error.internal',
  503: 'error.unavailable',
};
