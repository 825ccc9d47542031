import { zonedLocalToUtc, type WaitStep } from '@journeys/definition';
import {
  holdOnTimer,
  capWaitMs,
  eventData,
  goTo,
  instantOf,
  plusDurationMs,
  readAttribute,
  type StepResult,
  type StepRun,
} from './step-run';

/**
 * The behaviour of a `wait` step, in one place.
 *
 * Entering: the due time is now + `duration` (days are 24 hours; months and years are calendar
 * arithmetic in the journey's zone), or `until` (a local date-time in the journey's zone, or with
 * its own offset), or the date-time in `untilAttribute` shifted by `offset` (which may be negative).
 * It is capped at now + 90 days. The customer is held on a timer (WaitScheduled) until then.
 *
 * A due time that is not after now proceeds at once, with no event beyond StepEntered: no timer is
 * scheduled, so there is none to fire or to clean up. So does a missing or unreadable attribute.
 * One exception keeps a loop from spinning within one decision: a wait entered a second time in the
 * same decision (a cycle whose only wait lies in the past) holds on a timer due now, so every pass
 * of such a loop is its own decision, one timer firing each.
 *
 * Firing: the timer whose id the instance waits on ends the wait (WaitElapsed) and the customer
 * goes on to `next`.
 */
export function enterWait(step: WaitStep, run: StepRun): StepResult {
  const dueMs = waitDueMs(step, run);
  if (dueMs === null || dueMs <= run.nowMs) {
    if (!run.revisit) return { events: [], then: goTo(step.next) };
    return holdUntil(step, run, run.nowMs);
  }
  return holdUntil(step, run, capWaitMs(dueMs, run.nowMs));
}

/** The timer the instance waits on at this step fired. */
export function endWait(step: WaitStep, run: StepRun, timerId: string): StepResult {
  return {
    events: [{ type: 'WaitElapsed', data: eventData(run.ref, { stepId: step.id, timerId }) }],
    then: goTo(step.next),
  };
}

function holdUntil(step: WaitStep, run: StepRun, dueMs: number): StepResult {
  return holdOnTimer(run, step.id, dueMs, 'wait');
}

/** When the wait ends, in epoch ms before the 90-day cap; null when it cannot be computed. */
export function waitDueMs(step: WaitStep, run: StepRun): number | null {
  if (step.duration !== undefined) return plusDurationMs(run.now, step.duration, run.timeZone);
  if (step.until !== undefined) return untilMs(step, step.until, run.timeZone);
  if (step.untilAttribute !== undefined) {
    const instant = instantOf(readAttribute(step.untilAttribute, run));
    if (instant === null || step.offset === undefined) return instant;
    return plusDurationMs(new Date(instant), step.offset, run.timeZone);
  }
  return null;
}

/** `until` is fixed per step and zone; resolving it costs Intl work, so it is done once. */
const untilByStep = new WeakMap<WaitStep, { timeZone: string; epochMs: number | null }>();

function untilMs(step: WaitStep, until: string, timeZone: string): number | null {
  const cached = untilByStep.get(step);
  if (cached !== undefined && cached.timeZone === timeZone) return cached.epochMs;
  const epochMs = zonedLocalToUtc(until, timeZone)?.getTime() ?? null;
  untilByStep.set(step, { timeZone, epochMs });
  return epochMs;
}
