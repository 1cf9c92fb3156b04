import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, CODE_BY_STATUS, STATUS_TEXT, type ErrorDetail, type ErrorParams } from '../api-error';

/** Domain errors are plain errors with a `code`; the service kit maps them without importing the domain. */
type CodedError = Error & { code?: unknown; details?: unknown; currentStatus?: unknown; reason?: unknown; entity?: unknown; params?: unknown };

type Described = { statusCode: number; message: string; details?: ErrorDetail[]; code?: string; params?: ErrorParams };

const FORBIDDEN_REASONS = new Set(['role', 'conflict_of_interest', 'not_assignee', 'authority_limit']);

/** A domain error's catalogue code and parameters (@complaints/contracts/i18n). */
const domainCode = (coded: CodedError): { code: string; params?: ErrorParams } => {
  switch (coded.code) {
    case 'invalid_state':
      return typeof coded.currentStatus === 'string' ? { code: 'error.invalid_state', params: { status: coded.currentStatus } } : { code: 'error.conflict' };
    case 'validation':
      return { code: 'error.validation' };
    case 'forbidden': {
      const params = typeof coded.params === 'object' && coded.params !== null ? (coded.params as ErrorParams) : undefined;
      // Over an approval limit with a next approver: the refusal names the total, the limit and who decides.
      if (coded.reason === 'authority_limit' && params?.next) return { code: 'error.forbidden.over_limit', params };
      return { code: typeof coded.reason === 'string' && FORBIDDEN_REASONS.has(coded.reason) ? `error.forbidden.${coded.reason}` : 'error.forbidden' };
    }
    case 'not_found':
      return { code: coded.entity === 'Complaint' ? 'error.complaint_not_found' : 'error.not_found' };
    case 'wrong_expected_revision':
      return { code: 'error.concurrent_change' };
    default:
      return { code: 'error.conflict' };
  }
};

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
    const { statusCode, message, details, code, params } = this.describe(exception);
    if (statusCode >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    // `code`/`params`: the same error for the shared catalogue (the reader's language); `message` stays the English text.
    const body: Record<string, unknown> = {
      statusCode,
      error: STATUS_TEXT[statusCode] ?? 'Error',
      message,
      code: code ?? CODE_BY_STATUS[statusCode] ?? (statusCode >= 500 ? 'error.internal' : 'error.bad_request'),
      params: params ?? {},
    };
    if (details && details.length) body.details = details.map((d) => ({ ...d, code: d.code ?? 'problem.invalid' }));
    if (!response.headersSent) response.status(statusCode).json(body);
  }

  private describe(exception: unknown): Described {
    if (exception instanceof ApiError) return { statusCode: exception.statusCode, message: exception.message, details: exception.details, code: exception.code, params: exception.params };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
      const details = typeof res === 'object' ? asDetails((res as { details?: unknown }).details) : undefined;
      // The body parser's refusals reach here as 400s with the parser's own words.
      const own = typeof res === 'object' && res !== null ? (res as { code?: unknown }).code : undefined;
      const named = own ?? (status === 400 && /JSON/.test(message) ? 'error.malformed_json' : status === 413 ? 'error.payload_too_large' : undefined);
      return { statusCode: status, message: status >= 500 ? 'Internal server error' : message, details, code: status < 500 && typeof named === 'string' ? named : undefined };
    }
    const coded = exception as CodedError;
    if (coded && typeof coded.code === 'string' && DOMAIN_STATUS[coded.code]) {
      return { statusCode: DOMAIN_STATUS[coded.code], message: coded.message, details: asDetails(coded.details), ...domainCode(coded) };
    }
    // Errors thrown by Express's body parser (malformed JSON, body too large…).
    const httpish = exception as { status?: unknown; type?: unknown; expose?: unknown };
    if (typeof httpish?.status === 'number' && httpish.status >= 400 && httpish.status < 500) {
      const code =
        httpish.type === 'entity.parse.failed' || exception instanceof SyntaxError ? 'error.malformed_json' : httpish.type === 'entity.too.large' || httpish.status === 413 ? 'error.payload_too_large' : undefined;
      const message =
        httpish.type === 'entity.parse.failed'
          ? 'Request body is not valid JSON'
          : httpish.type === 'entity.too.large'
            ? 'Request body is too large'
            : httpish.expose && exception instanceof Error
              ? exception.message
              : 'Bad request';
      return { statusCode: httpish.status, message, code };
    }
    return { statusCode: 500, message: 'Internal server error' };
  }
}
