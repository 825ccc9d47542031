import { evaluateCondition, type WaitForTriggerStep } from '@journeys/definition';
import { bindingAccepts } from '../rules/correlation';
import {
  holdOnTimer,
  capWaitMs,
  eventData,
  goTo,
  ownValue,
  plusDurationMs,
  type StepResult,
  type StepRun,
} from './step-run';

/** A trigger of this customer offered to an instance that waits for one. */
export interface OfferedTrigger {
  id: string;
  name: string;
  attributes: Record<string, unknown>;
  /** `type/id` the trigger is about (an appointment, an order); see {@link bindingAccepts}. */
  bindingId?: string;
  /** When it happened (epoch ms); absent: at the decision's time. */
  occurredAt?: number;
  /** Set when a journey raised it: how many raised triggers led to it at one instant (see rules/loop-guard.ts). */
  chain?: number;
}

export interface TriggerMatch extends StepResult {
  /** The instance's trigger attributes from now on: its own merged with the matched trigger's. */
  trigger: Record<string, unknown>;
}

/**
 * The behaviour of a `waitForTrigger` step, in one place.
 *
 * Entering: the customer is held until now + `within` (capped at 90 days), on a timer of kind
 * `trigger`. A `within` that does not parse (publish refuses it) times out at once.
 *
 * A trigger offered meanwhile matches when it has the step's trigger name, it occurred before the
 * deadline (event time: a trigger that happened in time wins even when it arrives after the timer
 * was due, as long as the timer has not fired), its bindingId fits the instance's (see
 * {@link bindingAccepts}), it carries the `correlate` send step's actionId as its `actionId`
 * attribute, and the step's conditions hold, `trigger.*` reading the instance's trigger attributes
 * overlaid with the offered ones. A match (TriggerMatched) adds its attributes to the instance's and
 * goes on to `yes`; anything else is ignored.
 *
 * The timer firing first (TriggerWaitTimedOut) goes on to `no`. The engine fires it a grace period
 * after the deadline, so that triggers which happened in time but arrive late still win.
 */
export function enterWaitForTrigger(step: WaitForTriggerStep, run: StepRun): StepResult {
  const withinMs = plusDurationMs(run.now, step.within, run.timeZone);
  const dueMs = withinMs === null ? run.nowMs : capWaitMs(Math.max(withinMs, run.nowMs), run.nowMs);
  return holdOnTimer(run, step.id, dueMs, 'trigger');
}

/** The offered trigger's match, or null when the step ignores it. */
export function matchTrigger(
  step: WaitForTriggerStep,
  run: StepRun,
  offered: OfferedTrigger,
  instanceBindingId: string | undefined,
  deadlineMs: number = Number.POSITIVE_INFINITY,
): TriggerMatch | null {
  if (offered.name !== step.trigger) return null;
  if ((offered.occurredAt ?? run.nowMs) >= deadlineMs) return null;
  if (!bindingAccepts(instanceBindingId, offered.bindingId)) return null;
  if (step.correlate !== undefined) {
    const actionId = ownValue(run.actions, step.correlate);
    if (actionId === undefined || offered.attributes.actionId !== actionId) return null;
  }
  const trigger = { ...run.trigger, ...offered.attributes };
  if (step.conditions !== undefined) {
    const context = { trigger, profile: run.profile, inSegment: run.inSegment };
    if (!evaluateCondition(step.conditions, context)) return null;
  }
  return {
    events: [
      {
        type: 'TriggerMatched',
        data: eventData(run.ref, {
          stepId: step.id,
          triggerId: offered.id,
          trigger: offered.name,
          attributes: offered.attributes,
          ...(offered.chain !== undefined && { chain: offered.chain }),
        }),
      },
    ],
    then: goTo(step.yes),
    trigger,
  };
}

/** The `within` timer the instance waits on at this step fired before a match. */
export function timeOutTriggerWait(step: WaitForTriggerStep, run: StepRun, timerId: string): StepResult {
  return {
    events: [{ type: 'TriggerWaitTimedOut', data: eventData(run.ref, { stepId: step.id, timerId }) }],
    then: goTo(step.no),
  };
}
