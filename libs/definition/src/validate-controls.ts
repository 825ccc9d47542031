/** Publish checks of the delivery controls (controls.ts): pausing, rate-limited entry, experiments. */
import { EXPERIMENT_MAX_DAYS } from './controls';
import type { JourneyDefinition, SplitStep } from './journey-definition';
import { childPath } from './json-path';
import { DAY_MS, LIMITS, WAIT_MAX_MS } from './limits';
import { ProblemCode, type ProblemSink, truncate } from './problem';
import { durationSign, durationUpperBoundMs, parseIsoDuration } from './time';
import { stepPath } from './validate-steps';

export function checkControls(sink: ProblemSink, definition: JourneyDefinition): void {
  checkPause(sink, definition);
  checkEntryLimit(sink, definition);
  definition.steps.forEach((step, index) => {
    if (step.type === 'split' && step.experiment) checkExperiment(sink, definition, step, stepPath(index));
  });
}

/** An experiment must be able to decide: its window and decision time fit, its goal exists. */
function checkExperiment(sink: ProblemSink, definition: JourneyDefinition, step: SplitStep, path: string): void {
  const experiment = step.experiment!;
  const at = childPath(path, 'experiment');
  if (experiment.metric.type === 'goal' && definition.goal === undefined) {
    sink.report(ProblemCode.InvalidExperiment, `${at}.metric`, 'the metric is the goal, but the journey has none');
  }
  const within = positiveMs(sink, experiment.metric.within, `${at}.metric.within`, 'within');
  if (within !== undefined && within > WAIT_MAX_MS) {
    sink.report(
      ProblemCode.InvalidExperiment,
      `${at}.metric.within`,
      `a conversion window is at most ${LIMITS.waitMaxDays} days (a month counts as 31 days)`,
    );
  }
  if (experiment.decideAfter === undefined) return;
  const after = positiveMs(sink, experiment.decideAfter, `${at}.decideAfter`, 'decideAfter');
  if (after === undefined) return;
  if (after > EXPERIMENT_MAX_DAYS * DAY_MS) {
    sink.report(
      ProblemCode.InvalidExperiment,
      `${at}.decideAfter`,
      `an experiment decides within ${EXPERIMENT_MAX_DAYS} days`,
    );
  } else if (within !== undefined && after <= within) {
    sink.report(
      ProblemCode.InvalidExperiment,
      `${at}.decideAfter`,
      `the decision (${truncate(experiment.decideAfter)}) must come after the conversion window (${truncate(experiment.metric.within)}) of the first customers has closed`,
    );
  }
}

/** The longest a positive ISO duration can be (ms), or undefined (reported) when it is not one. */
function positiveMs(sink: ProblemSink, text: string, path: string, what: string): number | undefined {
  const duration = parseIsoDuration(text);
  if (duration === null || durationSign(duration) <= 0) {
    sink.report(
      ProblemCode.InvalidDuration,
      path,
      `${what} must be a positive ISO 8601 duration, not "${truncate(text)}"`,
    );
    return undefined;
  }
  return durationUpperBoundMs(duration);
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
