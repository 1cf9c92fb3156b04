/**
 * The one phone rule (issue 14): registration, corrections, the HTTP bodies and the dashboard
 * all judge a phone number by the site policy's `intake.phonePattern`, whose default is
 * PHONE_PATTERN — a mobile or a landline with its area code, digits with an optional leading
 * +, spaces or hyphens, and an optional extension after ext / 转 / #. The dashboard keeps a
 * copy of the default (it never imports backend code); a test holds the copy to this one.
 */
export const PHONE_PATTERN = '^\\+?[0-9][0-9\\- ]{4,19}(\\s*(ext|转|#)\\s*[0-9]{1,6})?$';

/** No phone number the default pattern accepts is longer; a body's phone longer than this is refused outright. */
export const PHONE_MAX_LENGTH = 40;

export const PHONE_PROBLEM = 'is not a valid phone number (digits with an optional leading +, spaces or hyphens, and an extension after ext, 转 or #)';

/** Does `value` (trimmed) match the phone rule — the site's `pattern`, by default PHONE_PATTERN? */
export const isValidPhone = (value: unknown, pattern: string = PHONE_PATTERN): value is string =>
  typeof value === 'string' && value.trim().length <= PHONE_MAX_LENGTH && new RegExp(pattern).test(value.trim());
