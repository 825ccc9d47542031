import type { JourneyDefinition } from '@journeys/definition';
import type { DraftChanges } from './journey.events';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A short summary of a draft update for the audit history: steps added, removed, changed, and fields. */
export function summarizeDraftChanges(before: JourneyDefinition, after: JourneyDefinition): DraftChanges {
  const beforeSteps = new Map(before.steps.map((s) => [s.id, s]));
  const afterSteps = new Map(after.steps.map((s) => [s.id, s]));
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  fields.delete('steps');
  return {
    stepsAdded: [...afterSteps.keys()].filter((id) => !beforeSteps.has(id)),
    stepsRemoved: [...beforeSteps.keys()].filter((id) => !afterSteps.has(id)),
    stepsChanged: [...afterSteps.keys()].filter(
      (id) => beforeSteps.has(id) && !same(beforeSteps.get(id), afterSteps.get(id)),
    ),
    fieldsChanged: [...fields]
      .filter((f) => !same(before[f as keyof JourneyDefinition], after[f as keyof JourneyDefinition]))
      .sort(),
  };
}
