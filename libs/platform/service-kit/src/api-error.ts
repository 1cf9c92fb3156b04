/**
 * docs/api.md's error body: `{ statusCode, error, message, details?: [{ field, problem }] }`.
 * Services throw these (or domain errors mapped to them); the filter renders them.
 */
export type ErrorDetail = { field: string; problem: string };

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: ErrorDetail[],
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

export const badRequest = (message: string, details?: ErrorDetail[]) => new ApiError(400, message, details);
export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string, details?: ErrorDetail[]) => new ApiError(409, message, details);
