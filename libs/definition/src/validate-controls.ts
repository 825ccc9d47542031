/** Publish checks of the delivery controls (controls.ts): pausing and rate-limited entry. */
import type { JourneyDefinition } from './journey-definition';
import { LIMITS, WAIT_MAX_MS } from './limits';
import { ProblemCode, type ProblemSink, truncate } from './problem';
import { durationSign, durationUpperBoundMs, parseIsoDuration } from './time';

export function checkControls(sink: ProblemSink, definition: JourneyDefinition): void {
  checkPause(sink, definition);
  checkEntryLimit(sink, definition);
}

/** The shape check has the count, period and times; publish checks that the hours make a window. */
function checkEntryLimit(sink: ProblemSink, definition: JourneyDefinition): void {
  const limit = definition.audience.entryLimit;
  if (limit?.hours === undefined) return;
  const { from, to } = limit.hours;
  if (minutesOf(to) <= minutesOf(from)) {
    sink.report(
      ProblemCode.InvalidLocalTime,
      '$.audience.entryLimit.hours.to',
      `entry hours end (${truncate(to)}) must be after they start (${truncate(from)}); a window across midnight is not supported`,
    );
  }
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

function checkPause(sink: ProblemSink, definition: JourneyDefinition): void {
  const text = definition.pause?.maxDuration;
  if (text === undefined) return;
  const path = '$.pause.maxDuration';
  const duration = parseIsoDuration(text);
  if (duration === null || durationSign(duration) <= 0) {
    sink.report(
      ProblemCode.InvalidDuration,
      path,
      `maxDuration must be a positive ISO 8601 duration, not "${truncate(text)}"`,
    );
  } else if (durationUpperBoundMs(duration) > WAIT_MAX_MS) {
    sink.report(
      ProblemCode.PauseTooLong,
      path,
      `a pause may last at most ${LIMITS.waitMaxDays} days, and ${text} can be longer (a month counts as 31 days)`,
    );
  }
}
