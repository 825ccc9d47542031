/**
 * The string formats of the contract's schemas, checked by the same parsers the runtime reads them
 * with (`@journeys/definition` time.ts). Each comes with a `pattern` for schema readers that do not
 * know the format (generators, other validators); the format check is the stricter of the two.
 */
import { parseIsoDateTime, parseIsoDuration } from '@journeys/definition';

/** An instant: ISO 8601 date-time with `Z` or an offset (`2026-12-01T09:00:00Z`, `...+01:00`). */
export const INSTANT_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$';
/** A wall-clock time, read in the journey's time zone unless it carries `Z` or an offset. */
export const LOCAL_DATE_TIME_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$';
const n = (unit: string) => `[0-9]{1,9}${unit}`;
const seconds = '[0-9]{1,9}([.,][0-9]{1,9})?S';
const datePart = `(${n('Y')}(${n('M')})?(${n('W')})?(${n('D')})?|${n('M')}(${n('W')})?(${n('D')})?|${n('W')}(${n('D')})?|${n('D')})`;
const timePart = `T(${n('H')}(${n('M')})?(${seconds})?|${n('M')}(${seconds})?|${seconds})`;
/** ISO 8601 duration with at least one part (`PT30M`, `P2D`, `P1Y2M`); a leading `-` negates it. */
export const DURATION_PATTERN = `^-?P(${datePart}(${timePart})?|${timePart})$`;

export const isInstant = (text: string): boolean => parseIsoDateTime(text)?.offsetMinutes != null;
export const isLocalDateTime = (text: string): boolean => parseIsoDateTime(text) !== null;
export const isDuration = (text: string): boolean => parseIsoDuration(text) !== null;

/** Format name -> check, registered with ajv. `date-time` and `duration` replace ajv's own readings. */
export const FORMATS = {
  'date-time': isInstant,
  'local-date-time': isLocalDateTime,
  duration: isDuration,
} as const;

export type FormatName = keyof typeof FORMATS;

/** What a value of each format must be, as the problem message says it. */
export const FORMAT_MESSAGES: Record<FormatName, string> = {
  'date-time': 'must be an ISO 8601 date-time with Z or an offset',
  'local-date-time': 'must be an ISO 8601 date-time such as 2026-12-01T09:00:00',
  duration: 'must be an ISO 8601 duration such as PT30M or P2D',
};
