import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError, type ErrorDetail } from '../api-error';

/** class-validator's constraint names → the catalogue's problem codes (@complaints/contracts/i18n); others are `problem.invalid`. */
const PROBLEM_CODES: Record<string, string> = {
  isNotEmpty: 'problem.required',
  isDefined: 'problem.required',
  whitelistValidation: 'problem.unknown_field',
  isString: 'problem.not_text',
  maxLength: 'problem.too_long',
  arrayMaxSize: 'problem.too_long',
  minLength: 'problem.too_short',
  arrayMinSize: 'problem.too_short',
  arrayNotEmpty: 'problem.too_short',
  isIn: 'problem.not_one_of',
  isEnum: 'problem.not_one_of',
  isInt: 'problem.not_a_number',
  isNumber: 'problem.not_a_number',
  isNumberString: 'problem.not_a_number',
  min: 'problem.out_of_range',
  max: 'problem.out_of_range',
  isISO8601: 'problem.not_a_time',
  isDateString: 'problem.not_a_time',
  isBoolean: 'problem.not_boolean',
  isArray: 'problem.not_a_list',
  matches: 'problem.bad_format',
  isUUID: 'problem.bad_format',
};

export const problemCodeOf = (constraint: string): string => PROBLEM_CODES[constraint] ?? 'problem.invalid';

const flatten = (errors: ValidationError[], parent = ''): ErrorDetail[] =>
  errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, problem]) => ({ field, problem, code: problemCodeOf(constraint) }));
    return [...own, ...flatten(error.children ?? [], field)];
  });

/**
 * Strict validation of every request body: unknown fields are refused, each problem is
 * reported with the dotted path of its field (docs/api.md errors).
 */
export const strictValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const fields = details.map((d) => d.field).filter((f, i, a) => a.indexOf(f) === i);
      return new ApiError(400, `Invalid request: ${fields.join(', ')}`, details, 'error.validation', { fields });
    },
  });
