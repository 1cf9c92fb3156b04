import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, STATUS_TEXT, type ErrorDetail } from '../api-error';

/** Domain errors are plain errors with a `code`; the service kit maps them without importing the domain. */
type CodedError = Error & { code?: unknown; details?: unknown; currentStatus?: unknown };

const DOMAIN_STATUS: Record<string, number> = {
  invalid_state: 409,
  validation: 422,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  wrong_expected_revision: 409,
};

const asDetails = (value: unknown): ErrorDetail[] | undefined =>
  Array.isArray(value)
    ? value
        .filter((d): d is { field: unknown; problem: unknown } => typeof d === 'object' && d !== null)
        .map((d) => ({ field: String(d.field), problem: String(d.problem) }))
    : undefined;

/**
 * Renders every error in docs/api.md's shape. Bad input is 4xx naming the field; anything
 * unexpected is a 500 with no stack trace or SQL in the body (it goes to the log).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { statusCode, message, details } = this.describe(exception);
    if (statusCode >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    const body: Record<string, unknown> = { statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', message };
    if (details && details.length) body.details = details;
    if (!response.headersSent) response.status(statusCode).json(body);
  }

  private describe(exception: unknown): { statusCode: number; message: string; details?: ErrorDetail[] } {
    if (exception instanceof ApiError) return { statusCode: exception.statusCode, message: exception.message, details: exception.details };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
      const details = typeof res === 'object' ? asDetails((res as { details?: unknown }).details) : undefined;
      return { statusCode: status, message: status >= 500 ? 'Internal server error' : message, details };
    }
    const coded = exception as CodedError;
    if (coded && typeof coded.code === 'string' && DOMAIN_STATUS[coded.code]) {
      return { statusCode: DOMAIN_STATUS[coded.code], message: coded.message, details: asDetails(coded.details) };
    }
    // Errors thrown by Express's body parser (malformed JSON, body too large…).
    const httpish = exception as { status?: unknown; type?: unknown; expose?: unknown };
    if (typeof httpish?.status === 'number' && httpish.status >= 400 && httpish.status < 500) {
      const message =
        httpish.type === 'entity.parse.failed'
          ? 'Request body is not valid JSON'
          : httpish.type === 'entity.too.large'
            ? 'Request body is too large'
            : httpish.expose && exception instanceof Error
              ? exception.message
              : 'Bad request';
      return { statusCode: httpish.status, message };
    }
    return { statusCode: 500, message: 'Internal server error' };
  }
}
