import type { JourneyDefinition } from '@journeys/definition';
import type { DraftChanges } from './journey.events';

/** JSON with object keys sorted, so that two equal definitions compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, field: unknown) =>
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : field,
  );
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** What changed between two definitions (audit history, `journeys diff`): steps added, removed, changed, and fields. */
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
