import { pickSplitBranch, splitKey, type SplitStep } from '@journeys/definition';
import { eventData, goTo, type StepResult, type StepRun } from './step-run';

const weightsBySplit = new WeakMap<SplitStep, number[]>();

function weightsOf(step: SplitStep): number[] {
  let weights = weightsBySplit.get(step);
  if (weights === undefined) {
    weights = step.branches.map((branch) => branch.weight);
    weightsBySplit.set(step, weights);
  }
  return weights;
}

/**
 * A `split` step sends the customer down a weighted branch chosen by hashing journey, step and
 * customer: sticky across entries, versions and machines. A branch without a successor is a
 * hold-out group, which completes the journey.
 */
export function assignSplit(step: SplitStep, run: StepRun): StepResult {
  const branch = pickSplitBranch(weightsOf(step), splitKey(run.ref.journeyId, step.id, run.ref.customerId));
  const next = step.branches[branch].next;
  return {
    events: [{ type: 'SplitAssigned', data: eventData(run.ref, { stepId: step.id, branch, next: next ?? null }) }],
    then: goTo(next),
  };
}
