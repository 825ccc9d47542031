/** Publish checks of the schedule: time zone, start, end and their order. */
import { DEFAULT_TIME_ZONE, Schedule } from './journey-definition';
import { childPath } from './json-path';
import { ProblemCode, ProblemSink, truncate } from './problem';
import { isValidTimeZone, parseIsoDateTime, zonedLocalToUtc } from './time';

/** The schedule as instants; null where unknown (absent, invalid, or local in an unknown zone). */
export interface ResolvedSchedule {
  /** The journey's time zone, or null when its name is invalid. */
  timeZone: string | null;
  startMs: number | null;
  endMs: number | null;
}

export type InstantResolution =
  { kind: 'instant'; epochMs: number } | { kind: 'notDateTime' } | { kind: 'unknownZone' };

/** A date-time of the definition as an instant: local ones are read in `timeZone`. */
export function resolveInstant(text: string, timeZone: string | null): InstantResolution {
  const parsed = parseIsoDateTime(text);
  if (parsed === null) return { kind: 'notDateTime' };
  if (parsed.offsetMinutes === null && timeZone === null) return { kind: 'unknownZone' };
  const instant = zonedLocalToUtc(text, timeZone ?? DEFAULT_TIME_ZONE);
  return instant === null ? { kind: 'unknownZone' } : { kind: 'instant', epochMs: instant.getTime() };
}

export function checkSchedule(sink: ProblemSink, schedule: Schedule | undefined, now: Date): ResolvedSchedule {
  const path = '$.schedule';
  const zoneName = schedule?.timeZone ?? DEFAULT_TIME_ZONE;
  const timeZone = isValidTimeZone(zoneName) ? zoneName : null;
  if (timeZone === null) {
    sink.report(
      ProblemCode.InvalidTimeZoneName,
      childPath(path, 'timeZone'),
      `"${truncate(zoneName)}" is not a known time zone; use an IANA name such as Europe/Paris`,
    );
  }
  const startMs = resolveScheduleTime(
    sink,
    schedule?.start,
    timeZone,
    childPath(path, 'start'),
    ProblemCode.InvalidStartTime,
  );
  const endPath = childPath(path, 'end');
  const endMs = resolveScheduleTime(sink, schedule?.end, timeZone, endPath, ProblemCode.InvalidEndTime);
  if (endMs !== null && endMs <= now.getTime()) {
    sink.report(ProblemCode.InvalidEndTime, endPath, `the end ${schedule?.end} is already past`);
  } else if (endMs !== null && startMs !== null && endMs <= startMs) {
    sink.report(
      ProblemCode.InvalidTimeRange,
      endPath,
      `the end ${schedule?.end} is not after the start ${schedule?.start}`,
    );
  }
  return { timeZone, startMs, endMs };
}

function resolveScheduleTime(
  sink: ProblemSink,
  text: string | undefined,
  timeZone: string | null,
  path: string,
  code: ProblemCode,
): number | null {
  if (text === undefined) return null;
  const resolution = resolveInstant(text, timeZone);
  if (resolution.kind === 'notDateTime') sink.report(code, path, `"${truncate(text)}" is not an ISO 8601 date-time`);
  return resolution.kind === 'instant' ? resolution.epochMs : null;
}
