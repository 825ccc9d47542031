import { addDuration, journeyTimeZone, parseIsoDuration, type JourneyDefinition } from '@journeys/definition';

/**
 * Which of an instance's experiment assignments a trigger converts (rules/experiment.ts): a counted
 * assignment not converted yet, at a split whose metric is the journey's goal (reached by this
 * trigger: `goalReached`) or this trigger, within the metric's window after the assignment (that
 * instant included). The customer may have completed or left meanwhile: a conversion counts the
 * same, so that a hold-out branch (which completes at once) is measured like the others.
 */
export function experimentConversions(
  state: {
    experiments?: Readonly<Record<string, { branch: number; at: string; counted: boolean; converted?: boolean }>>;
  },
  definition: JourneyDefinition,
  trigger: { id: string; name: string },
  goalReached: boolean,
  now: Date,
): { stepId: string; branch: number; triggerId: string }[] {
  if (state.experiments === undefined) return [];
  const converted: { stepId: string; branch: number; triggerId: string }[] = [];
  for (const [stepId, assigned] of Object.entries(state.experiments)) {
    if (!assigned.counted || assigned.converted) continue;
    const step = definition.steps.find((s) => s.id === stepId);
    const metric = step?.type === 'split' ? step.experiment?.metric : undefined;
    if (metric === undefined) continue;
    if (metric.type === 'goal' ? !goalReached : metric.trigger !== trigger.name) continue;
    const within = parseIsoDuration(metric.within);
    if (within === null) continue;
    const closes = addDuration(new Date(assigned.at), within, journeyTimeZone(definition)).getTime();
    if (now.getTime() <= closes) converted.push({ stepId, branch: assigned.branch, triggerId: trigger.id });
  }
  return converted;
}
