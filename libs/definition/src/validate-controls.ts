/** Publish checks of the delivery controls (controls.ts): pausing. */
import type { JourneyDefinition } from './journey-definition';
import { LIMITS, WAIT_MAX_MS } from './limits';
import { ProblemCode, type ProblemSink, truncate } from './problem';
import { durationSign, durationUpperBoundMs, parseIsoDuration } from './time';

export function checkControls(sink: ProblemSink, definition: JourneyDefinition): void {
  checkPause(sink, definition);
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
