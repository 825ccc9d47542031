import { evaluateCondition, type WaitForTriggerStep } from '@journeys/definition';
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
 * A trigger offered meanwhile matches when it has the step's trigger name, its bindingId fits the
 * instance's (see {@link bindingAccepts}), it carries the `correlate` send step's actionId as its
 * `actionId` attribute, and the step's conditions hold, `trigger.*` reading the instance's trigger
 * attributes overlaid with the offered ones. A match (TriggerMatched) adds its attributes to the
 * instance's and goes on to `yes`; anything else is ignored.
 *
 * The timer firing first (TriggerWaitTimedOut) goes on to `no`.
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
): TriggerMatch | null {
  if (offered.name !== step.trigger) return null;
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

/**
 * Correlation by bindingId `type/id` (REFERENCE "Entry"): an instance started without one accepts
 * any trigger, as does a trigger without one; the same type with the same id is accepted, the same
 * type with another id is someone else's (ignored), another type is unrelated (accepted). Text
 * without `/` is a type with an empty id.
 */
export function bindingAccepts(instanceBindingId: string | undefined, offeredBindingId: string | undefined): boolean {
  if (instanceBindingId === undefined || offeredBindingId === undefined) return true;
  if (instanceBindingId === offeredBindingId) return true;
  const instanceSlash = typeOfBinding(instanceBindingId);
  const offeredSlash = typeOfBinding(offeredBindingId);
  const sameType =
    instanceSlash === offeredSlash &&
    instanceBindingId.slice(0, instanceSlash) === offeredBindingId.slice(0, offeredSlash);
  return !sameType;
}

/** Length of the type part: up to the first `/`, or the whole text. */
function typeOfBinding(bindingId: string): number {
  const slash = bindingId.indexOf('/');
  return slash === -1 ? bindingId.length : slash;
}
