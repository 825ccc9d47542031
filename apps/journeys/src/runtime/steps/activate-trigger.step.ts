import type { ActivateTriggerStep, ScalarValue } from '@journeys/definition';
import { raisedChain } from '../rules/loop-guard';
import { END, eventData, goTo, readAttribute, type StepResult, type StepRun } from './step-run';

/**
 * An `activateTrigger` step raises a trigger for this customer (ingestion takes it from the
 * TriggerActivated event) and moves on. Attributes are literals or copies of `trigger.*` /
 * `profile.*`; a copy with no scalar value to copy is left out rather than sent as null.
 *
 * A raise that would make a chain of raised triggers at one instant too long is not made: the
 * customer leaves with reason `loopLimit` instead (rules/loop-guard.ts).
 */
export function activateTrigger(step: ActivateTriggerStep, run: StepRun): StepResult {
  const chain = raisedChain(run.causeChain);
  if (chain === null) {
    return {
      events: [{ type: 'CustomerExited', data: eventData(run.ref, { reason: 'loopLimit', stepId: step.id }) }],
      then: END,
    };
  }
  const attributes: Record<string, ScalarValue> = {};
  const mappings = step.attributes;
  if (mappings !== undefined) {
    for (const name of Object.keys(mappings)) {
      const mapping = mappings[name];
      const value = typeof mapping === 'object' ? scalarOf(readAttribute(mapping.from, run)) : mapping;
      if (value === undefined) continue;
      // A key named __proto__ would otherwise hit the prototype setter and vanish.
      if (name === '__proto__') Object.defineProperty(attributes, name, { value, enumerable: true, writable: true });
      else attributes[name] = value;
    }
  }
  return {
    events: [
      {
        type: 'TriggerActivated',
        data: eventData(run.ref, {
          stepId: step.id,
          triggerId: `${run.ref.instanceId}:${step.id}:${run.visit}`,
          trigger: step.trigger,
          attributes,
          chain,
        }),
      },
    ],
    then: goTo(step.next),
  };
}

/** Trigger attributes are scalars; a date-time copied from a Date becomes ISO text. */
function scalarOf(value: unknown): ScalarValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    default:
      return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined;
  }
}
