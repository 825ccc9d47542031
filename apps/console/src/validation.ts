import type { DefinitionProblem, JourneyDefinition } from '@journeys/definition';

/** The index of the step a problem's JSON path points into (`$.steps[2].next` -> 2). */
export function stepIndexOf(path: string): number | undefined {
  const match = /^\$\.steps\[(\d+)\]/.exec(path);
  return match ? Number(match[1]) : undefined;
}

/**
 * Problems grouped by the step they concern (by step id), and the rest (audience, schedule, name)
 * under `journey`. A path into a step the definition does not have stays with the journey.
 */
export function problemsByStep(
  problems: readonly DefinitionProblem[],
  definition: Pick<JourneyDefinition, 'steps'>,
): { byStep: Map<string, DefinitionProblem[]>; journey: DefinitionProblem[] } {
  const byStep = new Map<string, DefinitionProblem[]>();
  const journey: DefinitionProblem[] = [];
  for (const problem of problems) {
    const index = stepIndexOf(problem.path);
    const step = index === undefined ? undefined : definition.steps[index];
    if (!step) {
      journey.push(problem);
      continue;
    }
    const list = byStep.get(step.id) ?? [];
    list.push(problem);
    byStep.set(step.id, list);
  }
  return { byStep, journey };
}
