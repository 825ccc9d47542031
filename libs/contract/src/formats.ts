/**
 * The string formats of the contract's schemas, checked by the same parsers the runtime reads them
 * with (`@journeys/definition` time.ts). Each comes with a `pattern` for schema readers that do not
 * know the format (generators, other validators); the format check is the stricter of the two.
 */
import { parseIsoDateTime, parseIsoDuration } from '@journeys/definition';

const YEAR = '([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])';
const LEAP_YEAR = '([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)';
/** A date of the proleptic Gregorian calendar from year 1, Feb 29 only in leap years. */
const DATE = `(${YEAR}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|${YEAR}-(0[469]|11)-(0[1-9]|[12][0-9]|30)|${YEAR}-02-(0[1-9]|1[0-9]|2[0-8])|${LEAP_YEAR}-02-29)`;
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]{1,9})?)?';
const OFFSET = '(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)';

/** An instant: ISO 8601 date-time with `Z` or an offset (`2026-12-01T09:00:00Z`, `...+01:00`). */
export const INSTANT_PATTERN = `^${DATE}T${TIME}${OFFSET}$`;
/** A wall-clock time, read in the journey's time zone unless it carries `Z` or an offset. */
export const LOCAL_DATE_TIME_PATTERN = `^${DATE}T${TIME}${OFFSET}?$`;

const n = (unit: string) => `[0-9]{1,9}${unit}`;
const seconds = '[0-9]{1,9}([.,][0-9]{1,9})?S';
const datePart = `(${n('Y')}(${n('M')})?(${n('W')})?(${n('D')})?|${n('M')}(${n('W')})?(${n('D')})?|${n('W')}(${n('D')})?|${n('D')})`;
const timePart = `T(${n('H')}(${n('M')})?(${seconds})?|${n('M')}(${seconds})?|${seconds})`;
/** ISO 8601 duration with at least one part (`PT30M`, `P2D`, `P1Y2M`); a leading `-` negates it. */
export const DURATION_PATTERN = `^-?P(${datePart}(${timePart})?|${timePart})$`;

export const isInstant = (text: string): boolean => parseIsoDateTime(text)?.offsetMinutes != null;
export const isLocalDateTime = (text: string): boolean => parseIsoDateTime(text) !== null;
export const isDuration = (text: string): boolean => parseIsoDuration(text) !== null;

/**
 * Format name -> check, registered with ajv. Requests use formats of their own names: the standard
 * `date-time` (RFC 3339) wants seconds and a colon in the offset, `duration` no sign; ISO 8601, which
 * the service reads, allows both. `date-time` marks instants the service writes (toISOString).
 */
export const FORMATS = {
  'date-time': isInstant,
  instant: isInstant,
  'local-date-time': isLocalDateTime,
  'iso-duration': isDuration,
} as const;

export type FormatName = keyof typeof FORMATS;

/** What a value of each format must be, as the problem message says it. */
export const FORMAT_MESSAGES: Record<FormatName, string> = {
  'date-time': 'must be an ISO 8601 date-time with Z or an offset',
  instant: 'must be an ISO 8601 date-time with Z or an offset',
  'local-date-time': 'must be an ISO 8601 date-time such as 2026-12-01T09:00:00',
  'iso-duration': 'must be an ISO 8601 duration such as PT30M or P2D',
};

/**
 * A character that is not white space, spelled out so that every regular-expression dialect reads it
 * alike: JavaScript's `\S` and Python's disagree on U+001C to U+001F, U+0085 and U+FEFF, so a client
 * checking the documents in one dialect would send text the service, in the other, refuses. What
 * either calls white space counts as white space here. A pattern (search anywhere), for `pattern`.
 */
export const NOT_BLANK_PATTERN =
  '[^\\t\\n\\v\\f\\r \\u001c-\\u001f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';
