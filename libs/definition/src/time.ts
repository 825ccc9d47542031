/**
 * Time arithmetic for schedules and waits. Pure: the current time is always a parameter.
 *
 * Conventions (REFERENCE "Schedule arithmetic"): a day is 24 hours and a week 7 days, whatever the
 * time zone's DST does; months and years are calendar arithmetic in the journey's time zone, keeping
 * the local time of day and clamping the date to the month's end (Jan 31 + P1M = Feb 28 or 29).
 * A local time that does not exist (DST gap) moves forward by the gap's length; one that exists
 * twice (DST overlap) is the earlier instant, as `Temporal`'s `compatible` disambiguation does.
 *
 * Time zones and calendar months are luxon's. Two readers stay ours, for measured reasons
 * (bench/time-library.bench.ts, README "Time"): the ISO date-time scanner, which intake runs on every
 * trigger's `occurredAt` and date-time attributes, is about 30 times faster than luxon's `fromISO`
 * (0.15 µs against 4.3 µs a call); and the duration pattern is the contract's grammar (one sign for
 * every part, a fraction only on seconds), which luxon's parser reads more loosely.
 */
import { DateTime, IANAZone } from 'luxon';
import { DAY_MS } from './limits';

/** An ISO 8601 duration. All parts share one sign; only `seconds` may have a fraction. */
export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** A wall-clock date-time without a zone. `month` is 1..12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export interface ParsedDateTime {
  local: LocalDateTime;
  /** Minutes east of UTC when the text carries `Z` or an offset; null for a local date-time. */
  offsetMinutes: number | null;
}

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const MAX_TEXT_LENGTH = 64;

const DURATION =
  /^(-)?P(?!$)(?:(\d{1,9})Y)?(?:(\d{1,9})M)?(?:(\d{1,9})W)?(?:(\d{1,9})D)?(?:T(?=\d)(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9}(?:[.,]\d{1,9})?)S)?)?$/;

/**
 * Parses an ISO 8601 duration (`PT30M`, `P2D`, `P1Y2M3W4DT5H6M7.5S`); a leading `-` negates every
 * part. Returns null for anything else, never throws.
 */
export function parseIsoDuration(text: string): IsoDuration | null {
  if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH) return null;
  const match = DURATION.exec(text);
  if (match === null) return null;
  const sign = match[1] === '-' ? -1 : 1;
  const part = (group: string | undefined): number =>
    group === undefined ? 0 : sign * Number(group.replace(',', '.')) || 0;
  return {
    years: part(match[2]),
    months: part(match[3]),
    weeks: part(match[4]),
    days: part(match[5]),
    hours: part(match[6]),
    minutes: part(match[7]),
    seconds: part(match[8]),
  };
}

/** -1, 0 or 1: the sign shared by every part of the duration. */
export function durationSign(duration: IsoDuration): -1 | 0 | 1 {
  const parts = [
    duration.years,
    duration.months,
    duration.weeks,
    duration.days,
    duration.hours,
    duration.minutes,
    duration.seconds,
  ];
  if (parts.some((value) => value > 0)) return 1;
  if (parts.some((value) => value < 0)) return -1;
  return 0;
}

/** The fixed part (weeks, days, hours, minutes, seconds) in milliseconds. */
function fixedPartMs(duration: IsoDuration): number {
  return Math.round(
    duration.weeks * 7 * DAY_MS +
      duration.days * DAY_MS +
      duration.hours * HOUR_MS +
      duration.minutes * MINUTE_MS +
      duration.seconds * 1000,
  );
}

/**
 * The longest time the duration can span, in milliseconds, ignoring its sign: a month counts as 31
 * days and a year as 366. Used for limits such as "a wait is at most 90 days".
 */
export function durationUpperBoundMs(duration: IsoDuration): number {
  const calendarDays = Math.abs(duration.years) * 366 + Math.abs(duration.months) * 31;
  return calendarDays * DAY_MS + Math.abs(fixedPartMs(duration));
}

/** Every part multiplied by `factor` (an integer): the n-th occurrence of a recurrence is start + every × n. */
export function scaleDuration(duration: IsoDuration, factor: number): IsoDuration {
  return {
    years: duration.years * factor,
    months: duration.months * factor,
    weeks: duration.weeks * factor,
    days: duration.days * factor,
    hours: duration.hours * factor,
    minutes: duration.minutes * factor,
    seconds: duration.seconds * factor,
  };
}

/**
 * Parses an ISO 8601 date-time: `2026-12-01T09:00`, `2026-12-01T09:00:00.250`, optionally followed by
 * `Z`, `+01:00`, `+0100` or `+01`. Rejects impossible dates (Feb 30, 24:00). Never throws.
 */
export function parseIsoDateTime(text: string): ParsedDateTime | null {
  if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH) return null;
  return scanDateTime(text);
}

/** Digits `text[from, from + count)` as a number, or -1. Hand-rolled: conditions parse attribute values on the hot path. */
function digits(text: string, from: number, count: number): number {
  if (from + count > text.length) return -1;
  let value = 0;
  for (let index = from; index < from + count; index++) {
    const code = text.charCodeAt(index) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

function scanDateTime(text: string): ParsedDateTime | null {
  const at = (index: number): string => text.charAt(index);
  if (at(4) !== '-' || at(7) !== '-' || at(10) !== 'T' || at(13) !== ':') return null;
  const local: LocalDateTime = {
    year: digits(text, 0, 4),
    month: digits(text, 5, 2),
    day: digits(text, 8, 2),
    hour: digits(text, 11, 2),
    minute: digits(text, 14, 2),
    second: 0,
    millisecond: 0,
  };
  let index = 16;
  if (at(index) === ':') {
    local.second = digits(text, index + 1, 2);
    index += 3;
    if (at(index) === '.' || at(index) === ',') {
      const start = ++index;
      while (index < text.length && index - start < 9 && digits(text, index, 1) >= 0) index++;
      if (index === start) return null;
      local.millisecond = digits(text.slice(start, Math.min(index, start + 3)).padEnd(3, '0'), 0, 3);
    }
  }
  if (!isValidLocal(local)) return null;
  if (index === text.length) return { local, offsetMinutes: null };
  if (at(index) === 'Z' && index + 1 === text.length) return { local, offsetMinutes: 0 };
  const sign = at(index) === '+' ? 1 : at(index) === '-' ? -1 : 0;
  const offsetHours = digits(text, index + 1, 2);
  const rest = text.length - (index + 3);
  const minutesAt = rest === 3 && at(index + 3) === ':' ? index + 4 : rest === 2 ? index + 3 : rest === 0 ? -1 : -2;
  if (sign === 0 || minutesAt === -2 || offsetHours < 0 || offsetHours > 23) return null;
  const offsetMins = minutesAt === -1 ? 0 : digits(text, minutesAt, 2);
  if (offsetMins < 0 || offsetMins > 59) return null;
  const offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  return { local, offsetMinutes: offsetMinutes === 0 ? 0 : offsetMinutes };
}

function isValidLocal(local: LocalDateTime): boolean {
  return (
    local.year >= 1 &&
    local.month >= 1 &&
    local.month <= 12 &&
    local.day >= 1 &&
    local.day <= daysInMonth(local.year, local.month) &&
    local.hour >= 0 &&
    local.hour <= 23 &&
    local.minute >= 0 &&
    local.minute <= 59 &&
    local.second >= 0 &&
    local.second <= 59
  );
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The wall-clock fields read as if they were UTC, in epoch milliseconds (works for years < 100). */
function localAsUtcMs(local: LocalDateTime): number {
  const { year, month, day, hour, minute, second, millisecond } = local;
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const date = new Date(0); // Date.UTC maps years 0..99 to 1900..1999
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime();
}

const MAX_TIME_ZONE_LENGTH = 100;
const zones = new Map<string, IANAZone | null>();

/** The luxon zone of an IANA name, created once per name (null when unknown). */
function zoneFor(timeZone: string): IANAZone | null {
  const cached = zones.get(timeZone);
  if (cached !== undefined) return cached;
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > MAX_TIME_ZONE_LENGTH) return null;
  const zone = IANAZone.isValidZone(timeZone) ? IANAZone.create(timeZone) : null;
  zones.set(timeZone, zone);
  return zone;
}

/** Whether the runtime knows the time zone (IANA names such as `Europe/Paris`, `UTC`). */
export function isValidTimeZone(name: string): boolean {
  return zoneFor(name) !== null;
}

/** The instant of a wall-clock time in a zone, resolving gaps and overlaps as the module comment says. */
function resolveLocal(local: LocalDateTime, zone: IANAZone): number {
  const at = DateTime.fromObject(local, { zone });
  const ms = at.toMillis();
  // Away from a transition the instant is the only one; near one, luxon reads an overlap as its
  // later instant (it moves a gap forward, as we do): take the earliest of the possible ones.
  if (zone.offset(ms - DAY_MS) === zone.offset(ms + DAY_MS)) return ms;
  return Math.min(...at.getPossibleOffsets().map((possible) => possible.toMillis()));
}

/**
 * The instant of an ISO date-time. With `Z` or an offset the text says it all; without one
 * (`2026-12-01T09:00:00`) it is a wall-clock time in `timeZone`. Null when the text is not a
 * date-time or the zone is unknown.
 */
export function zonedLocalToUtc(localIso: string, timeZone: string): Date | null {
  const parsed = parseIsoDateTime(localIso);
  if (parsed === null) return null;
  if (parsed.offsetMinutes !== null) return new Date(localAsUtcMs(parsed.local) - parsed.offsetMinutes * MINUTE_MS);
  const zone = zoneFor(timeZone);
  if (zone === null) return null;
  return new Date(resolveLocal(parsed.local, zone));
}

/** The wall-clock time of an instant in a zone; null when the zone is unknown. */
export function utcToZonedLocal(instantUtc: Date, timeZone: string): LocalDateTime | null {
  const zone = zoneFor(timeZone);
  if (zone === null) return null;
  const { year, month, day, hour, minute, second, millisecond } = DateTime.fromJSDate(instantUtc, { zone });
  return { year, month, day, hour, minute, second, millisecond };
}

/**
 * Epoch milliseconds of an ISO date-time, reading one without an offset as UTC; null when the text
 * is not a date-time. For attribute values, which carry no time zone of their own.
 */
export function parseIsoInstant(text: string): number | null {
  const parsed = parseIsoDateTime(text);
  if (parsed === null) return null;
  return localAsUtcMs(parsed.local) - (parsed.offsetMinutes ?? 0) * MINUTE_MS;
}

/**
 * Moves an instant by whole months (negative: back) on the wall clock of `timeZone`, keeping the time
 * of day and clamping the day to the target month's length. Throws a RangeError for an unknown zone.
 */
export function addMonthsClamped(instantUtc: Date, months: number, timeZone: string): Date {
  const zone = zoneFor(timeZone);
  if (zone === null) throw new RangeError(`Unknown time zone: ${String(timeZone)}`);
  const local = DateTime.fromJSDate(instantUtc, { zone });
  const target = local.plus({ months: Math.trunc(months) });
  // luxon keeps the offset of the start when the target's wall time does not exist; resolve it as a wall time.
  const { year, month, day, hour, minute, second, millisecond } = target;
  return new Date(resolveLocal({ year, month, day, hour, minute, second, millisecond }, zone));
}

/**
 * `instantUtc` + `duration`: years and months first, as calendar arithmetic in `timeZone` (see
 * {@link addMonthsClamped}), then weeks, days, hours, minutes and seconds as fixed lengths. The zone
 * is only consulted when the duration has years or months.
 */
export function addDuration(instantUtc: Date, duration: IsoDuration, timeZone: string): Date {
  const months = duration.years * 12 + duration.months;
  const afterMonths = months === 0 ? instantUtc : addMonthsClamped(instantUtc, months, timeZone);
  return new Date(afterMonths.getTime() + fixedPartMs(duration));
}

/** `instantUtc` + `duration` × `times`, computed from the start so month-end clamping does not drift. */
export function addDurationTimes(instantUtc: Date, duration: IsoDuration, times: number, timeZone: string): Date {
  return addDuration(instantUtc, scaleDuration(duration, times), timeZone);
}
